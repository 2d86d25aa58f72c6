package dev.condense.kernel.stage.prune;

import dev.condense.api.prune.Granularity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns importance scores into a 0/1 mask that removes the lowest-scoring fraction of units.
 *
 * <p>Shapes: {@code scores} is the weight's shape for ELEMENT, {@code [size(0)]} for NEURON and FILTER,
 * {@code [size(1)]} for CHANNEL; the mask always has the weight's shape. The cut keeps units whose score is strictly
 * greater than the {@code k}-th smallest score, {@code k = floor(sparsity * units)}; ties at the cut are removed
 * together, so the realized sparsity can exceed the target by the size of a tie (reported, never hidden).
 * Units already masked stay masked (a schedule only ever removes more).
 */
public final class MaskSelection {
    private MaskSelection() {
    }

    /**
     * @param weight   the weight, for its shape
     * @param scores   importance scores, higher = keep
     * @param g        the granularity the scores are for
     * @param sparsity fraction of units to remove, in [0,1)
     * @param previous the mask already in force, or null
     */
    public static INDArray mask(INDArray weight, INDArray scores, Granularity g, double sparsity, INDArray previous) {
        if (sparsity < 0 || sparsity >= 1) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), was " + sparsity);
        }
        INDArray flat = scores.castTo(DataType.FLOAT).reshape(scores.length());
        long k = (long) Math.floor(sparsity * flat.length());
        INDArray unitMask;
        if (k == 0) {
            unitMask = Nd4j.ones(DataType.FLOAT, flat.length());
        } else {
            double cut = Nd4j.sort(flat.dup(), true).getDouble(k - 1);
            unitMask = flat.gt(cut).castTo(DataType.FLOAT);
        }
        INDArray mask = expand(unitMask, weight, g);
        return previous == null ? mask : mask.muli(previous);
    }

    private static INDArray expand(INDArray unitMask, INDArray weight, Granularity g) {
        long[] shape = weight.shape();
        return switch (g) {
            case ELEMENT -> unitMask.reshape(shape).dup();
            case NEURON, FILTER -> broadcastAlong(unitMask, shape, 0);
            case CHANNEL -> broadcastAlong(unitMask, shape, 1);
        };
    }

    private static INDArray broadcastAlong(INDArray unitMask, long[] shape, int axis) {
        long[] view = new long[shape.length];
        java.util.Arrays.fill(view, 1);
        view[axis] = shape[axis];
        return unitMask.reshape(view).broadcast(shape).dup();
    }
}
