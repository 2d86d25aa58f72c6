package dev.condense.plugin.prune.magnitude;

import java.util.Locale;
import java.util.Set;

/**
 * Params of the magnitude importance scorer, bound from the recipe (e.g. {@code scorer: {magnitude: {norm: l2}}}).
 *
 * @param norm how the weights of one prunable unit are reduced to its score: {@code l1} (sum of absolute values,
 *             the default) or {@code l2} (Euclidean norm). For {@code element} granularity both give |w| ranks.
 */
public record MagnitudeParams(String norm) {

    /** Accepted values of {@link #norm()}. */
    public static final Set<String> NORMS = Set.of("l1", "l2");

    public MagnitudeParams {
        norm = norm == null ? "l1" : norm.trim().toLowerCase(Locale.ROOT);
        if (!NORMS.contains(norm)) {
            throw new IllegalArgumentException("norm must be l1 or l2, was '" + norm + "'");
        }
    }

    /** The default: L1 norm. */
    public MagnitudeParams() {
        this(null);
    }

    public boolean isL2() {
        return norm.equals("l2");
    }
}
