package dev.condense.kernel.stage.prune;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The units of one layer (or coupled group) competing for removal in one schedule step.
 *
 * @param key      the layer or group name
 * @param scores   the scores of the units still present, flattened; higher = keep
 * @param original units before the prune stage started, &gt;= scores.length()
 * @param removed  units removed before this step (physically, or counted as masked), in [0, original)
 */
public record UnitPool(String key, INDArray scores, long original, long removed) {

    public UnitPool {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scores, "scores");
        if (removed < 0 || removed >= original || original < scores.length()) {
            throw new IllegalArgumentException("inconsistent unit counts for " + key + ": original " + original
                    + ", removed " + removed + ", present " + scores.length());
        }
    }

    /** Units present now. */
    public long present() {
        return scores.length();
    }
}
