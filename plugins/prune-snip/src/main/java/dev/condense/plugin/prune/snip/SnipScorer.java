package dev.condense.plugin.prune.snip;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code snip}: asks the stage context for the loss gradient of the layer's weight, averaged over
 * {@code batches} training batches, and scores connections by {@code |g * w|}. See {@link SnipScores}.
 */
@Extension
public final class SnipScorer implements ImportanceScorer<SnipParams> {

    @Override
    public String id() {
        return "snip";
    }

    @Override
    public Class<SnipParams> paramsType() {
        return SnipParams.class;
    }

    @Override
    public String summary() {
        return "SNIP: connection sensitivity |gradient * weight| on a few training batches (network-wide or per-layer normalisation)";
    }

    @Override
    public String citation() {
        return "Lee, Ajanthan, Torr. SNIP: Single-shot Network Pruning based on Connection Sensitivity. ICLR 2019";
    }

    @Override
    public Set<Granularity> granularities() {
        return EnumSet.allOf(Granularity.class);
    }

    @Override
    public boolean needsData() {
        return true;
    }

    @Override
    public INDArray score(ScoringRequest request, SnipParams params) {
        if (request.graph() == null) {
            throw new IllegalStateException("snip needs gradients from the data set, but scoring '" + request.layer()
                    + "' got no graph; give the recipe a data set (data: {dataset: ...})");
        }
        INDArray g = request.context().gradients(request.graph(), List.of(request.layer()),
                params.batches(), params.batchSize()).get(request.layer());
        if (g == null) {
            throw new IllegalStateException("the stage context returned no gradient for '" + request.layer() + "'");
        }
        return SnipScores.score(request.weight(), g, request.granularity(), params.perLayer());
    }
}
