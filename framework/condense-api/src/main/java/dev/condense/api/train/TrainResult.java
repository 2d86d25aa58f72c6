package dev.condense.api.train;

import dev.condense.api.model.ModelGraph;
import java.util.Objects;

/**
 * Outcome of a training run.
 *
 * @param graph          the trained graph (masks held: masked weights stay exactly zero)
 * @param finalLoss      mean training loss over the last epoch
 * @param samplesPerSec  measured training throughput over all epochs, wall clock
 * @param clipping       what gradient clipping did ({@link ClippingStats#NONE} when the run did not clip)
 */
public record TrainResult(ModelGraph graph, double finalLoss, double samplesPerSec, ClippingStats clipping) {

    public TrainResult {
        Objects.requireNonNull(clipping, "clipping");
    }

    /** A result of a run without gradient clipping. */
    public TrainResult(ModelGraph graph, double finalLoss, double samplesPerSec) {
        this(graph, finalLoss, samplesPerSec, ClippingStats.NONE);
    }

    /**
     * Gradient clipping over a run ({@link NormConstraints#clipNorm()}).
     *
     * @param steps   optimizer steps taken, &gt;= 0
     * @param clipped steps whose global gradient L2 norm exceeded the limit and was scaled down, in [0, steps]
     * @param largest largest global gradient L2 norm seen before clipping, &gt;= 0 (NaN if a step's was not finite)
     * @param mean    mean global gradient L2 norm before clipping over the steps, &gt;= 0 (0 without steps)
     */
    public record ClippingStats(long steps, long clipped, double largest, double mean) {
        /** No clipping. */
        public static final ClippingStats NONE = new ClippingStats(0, 0, 0, 0);

        public ClippingStats {
            if (steps < 0 || clipped < 0 || clipped > steps) {
                throw new IllegalArgumentException("clipped steps must be in [0, steps], were " + clipped + " of "
                        + steps);
            }
        }
    }
}
