package dev.condense.kernel.plan;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.Schedule;
import dev.condense.kernel.recipe.SparsityRule;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Prune with a resolved scorer.
 *
 * <p>Invariants (checked by the planner): {@code scorerParams} is an instance of {@code scorer.paramsType()};
 * the scorer supports {@code granularity}; when the scorer needs data the recipe has a data set.
 *
 * @param scorer       the importance scorer
 * @param scorerParams its params, bound from the recipe
 * @param granularity  what is pruned
 * @param sparsity     per-layer targets
 * @param schedule     one-shot or iterative
 * @param location     where the stage is written
 */
public record PruneStep(ImportanceScorer<?> scorer, Record scorerParams, Granularity granularity,
                        SparsityRule sparsity, Schedule schedule, Location location) implements PlannedStage {

    public PruneStep {
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(sparsity, "sparsity");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(location, "location");
        if (!scorer.paramsType().isInstance(scorerParams)) {
            throw new IllegalArgumentException("params of scorer " + scorer.id() + " must be a "
                    + scorer.paramsType().getSimpleName() + ", was " + scorerParams);
        }
    }

    @Override
    public String kind() {
        return "prune";
    }

    /** Scores {@code request} with the scorer and its bound params (the cast is safe by the invariant). */
    public INDArray score(ScoringRequest request) {
        return scoreWith(scorer, request);
    }

    private <P extends Record> INDArray scoreWith(ImportanceScorer<P> s, ScoringRequest request) {
        return s.score(request, s.paramsType().cast(scorerParams));
    }
}
