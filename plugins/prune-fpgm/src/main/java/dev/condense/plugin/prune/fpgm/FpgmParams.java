package dev.condense.plugin.prune.fpgm;

import java.util.Locale;
import java.util.Set;

/**
 * Params of the FPGM scorer, bound from the recipe (e.g. {@code scorer: {fpgm: {distance: cosine}}}).
 *
 * @param distance the distance between two units' flattened weights: {@code euclidean} (the default, as in the
 *                 paper) or {@code cosine} ({@code 1 - cos(a, b)}, which ignores the units' scales).
 */
public record FpgmParams(String distance) {

    /** Accepted values of {@link #distance()}. */
    public static final Set<String> DISTANCES = Set.of("euclidean", "cosine");

    public FpgmParams {
        distance = distance == null ? "euclidean" : distance.trim().toLowerCase(Locale.ROOT);
        if (!DISTANCES.contains(distance)) {
            throw new IllegalArgumentException("distance must be euclidean or cosine, was '" + distance + "'");
        }
    }

    /** The default: Euclidean distance. */
    public FpgmParams() {
        this(null);
    }

    public boolean isCosine() {
        return distance.equals("cosine");
    }
}
