package dev.condense.engine.graph;

import dev.condense.api.model.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Shape rules of the ops transformer encoders add to the IR (ONNX opset 13): Gather (an embedding lookup by token
 * ids), Unsqueeze (axes as an int64 initializer input) and ReduceMean (axes attribute, {@code keepdims}).
 */
public final class EncoderShapes {

    private EncoderShapes() {
    }

    static long[] outputShape(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] x = in.get(0);
        return switch (n.opType()) {
            case "Gather" -> gather(x, in.get(1), (int) ShapeInference.axis(n.intAttr("axis", 0), x.length));
            case "Unsqueeze" -> unsqueeze(x, unsqueezeAxes(n, consts));
            case "ReduceMean" -> reduce(x, n.intsAttr("axes", null), n.intAttr("keepdims", 1) != 0);
            default -> throw new IllegalArgumentException("not an encoder op: " + n.opType());
        };
    }

    /** Gather along {@code axis}: {@code data[:axis] + indices + data[axis+1:]}. */
    static long[] gather(long[] data, long[] indices, int axis) {
        long[] out = new long[data.length - 1 + indices.length];
        System.arraycopy(data, 0, out, 0, axis);
        System.arraycopy(indices, 0, out, axis, indices.length);
        System.arraycopy(data, axis + 1, out, axis + indices.length, data.length - axis - 1);
        return out;
    }

    /** Unsqueeze's axes: its int64 initializer input (opset 13), or the opset-11 attribute of a graph built in code. */
    public static long[] unsqueezeAxes(Node n, Map<String, INDArray> consts) {
        long[] attr = n.intsAttr("axes", null);
        return attr != null ? attr : ShapeInference.constant(n, 1, consts).toLongVector();
    }

    /** {@code x} with a 1 inserted at each of {@code axes} (axes relative to the output rank, negative allowed). */
    static long[] unsqueeze(long[] x, long[] axes) {
        int rank = x.length + axes.length;
        boolean[] added = new boolean[rank];
        for (long a : axes) {
            int k = (int) ShapeInference.axis(a, rank);
            if (k < 0 || k >= rank || added[k]) {
                throw new IllegalArgumentException("Unsqueeze axes " + Arrays.toString(axes) + " must be distinct and in ["
                        + -rank + ", " + rank + ") for an input of rank " + x.length);
            }
            added[k] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = added[i] ? 1 : x[j++];
        }
        return out;
    }

    /** The sorted, normalized axes a reduction over {@code axes} (null: all axes) of a rank-{@code rank} input covers. */
    public static int[] reduceAxes(long[] axes, int rank) {
        if (axes == null) {
            return java.util.stream.IntStream.range(0, rank).toArray();
        }
        int[] out = Arrays.stream(axes).mapToInt(a -> (int) ShapeInference.axis(a, rank)).sorted().distinct().toArray();
        if (out.length != axes.length || out.length > 0 && (out[0] < 0 || out[out.length - 1] >= rank)) {
            throw new IllegalArgumentException("reduction axes " + Arrays.toString(axes) + " must be distinct and in ["
                    + -rank + ", " + rank + ")");
        }
        return out;
    }

    private static long[] reduce(long[] x, long[] axes, boolean keepdims) {
        int[] r = reduceAxes(axes, x.length);
        long[] out = x.clone();
        for (int a : r) {
            out[a] = keepdims ? 1 : -2;
        }
        return keepdims ? out : Arrays.stream(out).filter(d -> d != -2).toArray();
    }
}
