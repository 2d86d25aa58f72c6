package dev.condense.plugin.prune.magnitude;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import java.util.EnumSet;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code magnitude}: keeps the weights (or units) of largest magnitude. See {@link MagnitudeScores}.
 */
@Extension
public final class MagnitudeScorer implements ImportanceScorer<MagnitudeParams> {

    @Override
    public String id() {
        return "magnitude";
    }

    @Override
    public Class<MagnitudeParams> paramsType() {
        return MagnitudeParams.class;
    }

    @Override
    public String summary() {
        return "Magnitude pruning: |w| per element, or the L1/L2 norm per neuron, filter or channel";
    }

    @Override
    public String citation() {
        return "Han, Pool, Tran, Dally. Learning both Weights and Connections for Efficient Neural Networks. "
                + "NeurIPS 2015; Li, Kadav, Durdanovic, Samet, Graf. Pruning Filters for Efficient ConvNets. ICLR 2017";
    }

    @Override
    public Set<Granularity> granularities() {
        return EnumSet.allOf(Granularity.class);
    }

    @Override
    public INDArray score(ScoringRequest request, MagnitudeParams params) {
        return MagnitudeScores.score(request.weight(), request.granularity(), params.norm());
    }
}
