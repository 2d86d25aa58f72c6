package dev.condense.kernel.run;

import java.util.List;
import java.util.Map;

/**
 * Progress of a run, stored with each checkpoint.
 *
 * @param planSha256  SHA-256 of the resolved recipe
 * @param prefixSha256 SHA-256 of the resolved recipe cut after the completed stages ({@link ResolvedRecipe#yaml(
 *                    dev.condense.kernel.plan.Plan, int)}): a resume whose plan differs only after them is allowed
 *                    (null in checkpoints written before it existed: then the whole plan must match)
 * @param completed   number of stages completed
 * @param stages      the report entries of the completed stages
 * @param evaluations the evaluations made so far
 */
public record RunState(String planSha256, String prefixSha256, int completed, List<Map<String, Object>> stages,
                       List<Map<String, Object>> evaluations) {

    public RunState {
        stages = List.copyOf(stages);
        evaluations = List.copyOf(evaluations);
    }
}
