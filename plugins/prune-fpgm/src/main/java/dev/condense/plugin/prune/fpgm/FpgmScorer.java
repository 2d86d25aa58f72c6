package dev.condense.plugin.prune.fpgm;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import java.util.EnumSet;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code fpgm}: prunes the filters (Conv) or neurons (Gemm) nearest the geometric median of their layer,
 * the most replaceable ones, rather than the smallest. Weight-only. See {@link FpgmScores}.
 */
@Extension
public final class FpgmScorer implements ImportanceScorer<FpgmParams> {

    @Override
    public String id() {
        return "fpgm";
    }

    @Override
    public Class<FpgmParams> paramsType() {
        return FpgmParams.class;
    }

    @Override
    public String summary() {
        return "FPGM: prunes filters or neurons nearest their layer's geometric median (least total distance)";
    }

    @Override
    public String citation() {
        return "He, Liu, Wang, Hu, Yang. Filter Pruning via Geometric Median for Deep Convolutional Neural "
                + "Networks Acceleration. CVPR 2019";
    }

    @Override
    public Set<Granularity> granularities() {
        return EnumSet.of(Granularity.FILTER, Granularity.NEURON);
    }

    @Override
    public INDArray score(ScoringRequest request, FpgmParams params) {
        if (!granularities().contains(request.granularity())) {
            throw new IllegalArgumentException("fpgm scores filters or neurons, not " + request.granularity());
        }
        return FpgmScores.score(request.weight(), params.isCosine());
    }
}
