package dev.condense.plugin.prune.random;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import java.util.EnumSet;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code random}: seeded uniform random scores for every granularity, the baseline pruning methods are
 * compared against. The seed is {@link RandomScores#mix} of the {@code seed} param, the stage seed (when a context
 * is present, else 0) and the layer name. See {@link RandomScores}.
 */
@Extension
public final class RandomScorer implements ImportanceScorer<RandomParams> {

    @Override
    public String id() {
        return "random";
    }

    @Override
    public Class<RandomParams> paramsType() {
        return RandomParams.class;
    }

    @Override
    public String summary() {
        return "Random pruning: seeded uniform scores for any granularity, the control baseline";
    }

    @Override
    public String citation() {
        return "Blalock, Gonzalez Ortiz, Frankle, Guttag. What is the State of Neural Network Pruning? MLSys 2020 "
                + "(random pruning as the reference baseline)";
    }

    @Override
    public Set<Granularity> granularities() {
        return EnumSet.allOf(Granularity.class);
    }

    @Override
    public INDArray score(ScoringRequest request, RandomParams params) {
        long stageSeed = request.context().seed();
        long seed = RandomScores.mix(params.seed(), stageSeed, request.layer());
        return RandomScores.score(request.weight(), request.granularity(), seed);
    }
}
