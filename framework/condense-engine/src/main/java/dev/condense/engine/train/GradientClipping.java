package dev.condense.engine.train;

import dev.condense.api.train.TrainResult.ClippingStats;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient clipping by the global L2 norm (Pascanu, Mikolov &amp; Bengio 2013, "On the difficulty of training
 * recurrent neural networks", algorithm 1): the gradients of all trainable weights, taken together as one vector
 * {@code g}, are scaled in place by {@code limit / ||g||_2} when {@code ||g||_2 > limit}, so the step's gradient has
 * norm {@code limit} exactly and keeps its direction; a gradient with {@code ||g||_2 <= limit} is untouched. Runs on
 * the flat gradient buffers ({@link FlatParameters}) after every gradient of the step is in and before the updater
 * (so momentum and Adam's moments see the clipped gradient; L2 weight decay is added after clipping). Counts the
 * steps it clipped, the largest and the mean norm it saw, for the report.
 */
final class GradientClipping {
    private final double limit;
    private long steps;
    private long clipped;
    private double largest;
    private double sum;

    /** @param limit the largest global gradient norm, &gt; 0 */
    GradientClipping(double limit) {
        if (!(limit > 0) || Double.isInfinite(limit)) {
            throw new IllegalArgumentException("clip norm must be finite and > 0, was " + limit);
        }
        this.limit = limit;
    }

    /**
     * Clips one step's gradients in place.
     *
     * @param grads the step's gradient buffers (one per data type), together the vector {@code g}
     * @return {@code ||g||_2} before clipping (not finite gradients are left as they are: the loss check reports them)
     */
    double clip(List<INDArray> grads) {
        double squares = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            squares += n * n;
        }
        double norm = Math.sqrt(squares);
        steps++;
        sum += norm;
        largest = Double.isNaN(largest) || !Double.isFinite(norm) ? Double.NaN : Math.max(largest, norm);
        if (Double.isFinite(norm) && norm > limit) {
            double scale = limit / norm;
            grads.forEach(g -> g.muli(scale));
            clipped++;
        }
        return norm;
    }

    /** Steps so far, how many were clipped and the largest norm seen. */
    ClippingStats stats() {
        return new ClippingStats(steps, clipped, largest, steps == 0 ? 0 : sum / steps);
    }
}
