package dev.condense.examples.lamp;

import dev.condense.api.extension.NoParams;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/** Recipe id {@code lamp}: see {@link LampScores}. Element granularity only. */
@Extension
public final class LampScorer implements ImportanceScorer<NoParams> {

    @Override
    public String id() {
        return "lamp";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "LAMP: magnitude scores normalised per layer so one global threshold sets layer-wise sparsity";
    }

    @Override
    public String citation() {
        return "Lee, Park, Mo, Ahn, Shin. Layer-adaptive Sparsity for the Magnitude-based Pruning. ICLR 2021";
    }

    @Override
    public Set<Granularity> granularities() {
        return Set.of(Granularity.ELEMENT);
    }

    @Override
    public INDArray score(ScoringRequest request, NoParams params) {
        return LampScores.score(request.weight());
    }
}
