package dev.condense.kernel.run;

import java.util.List;
import java.util.Map;

/**
 * Progress of a run, stored with each checkpoint.
 *
 * @param planSha256  SHA-256 of the resolved recipe; a resume with a different plan is refused
 * @param completed   number of stages completed
 * @param stages      the report entries of the completed stages
 * @param evaluations the evaluations made so far
 */
public record RunState(String planSha256, int completed, List<Map<String, Object>> stages,
                       List<Map<String, Object>> evaluations) {

    public RunState {
        stages = List.copyOf(stages);
        evaluations = List.copyOf(evaluations);
    }
}
