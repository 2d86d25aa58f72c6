package dev.condense.engine.graph;

import dev.condense.api.model.Node;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The static window of an ONNX Slice (opset 13: inputs {@code data, starts, ends, axes?, steps?}, all but data
 * initializers), resolved against the data shape to one {@code [begin, end)} range and positive step per axis of
 * the data. ONNX rules: negative starts/ends count from the end, then are clamped to {@code [0, dim]}; omitted axes
 * mean {@code 0..k-1}, omitted steps mean 1. Negative steps are rejected (MobileNet-style exports do not use them).
 * A dynamic ({@code -1}) dimension may only be sliced as a whole ({@code [0, INT64_MAX)}, step 1).
 *
 * @param begin per data axis, first index taken
 * @param end   per data axis, one past the last index (exclusive bound)
 * @param step  per data axis, {@code >= 1}
 */
public record SliceSpec(long[] begin, long[] end, long[] step) {

    /** The window of {@code n} on data of shape {@code x}. */
    public static SliceSpec of(Node n, long[] x, Map<String, INDArray> consts) {
        long[] starts = ShapeInference.constant(n, 1, consts).toLongVector();
        long[] ends = ShapeInference.constant(n, 2, consts).toLongVector();
        long[] axes = present(n, 3) ? ShapeInference.constant(n, 3, consts).toLongVector() : range(starts.length);
        long[] steps = present(n, 4) ? ShapeInference.constant(n, 4, consts).toLongVector() : ones(starts.length);
        if (ends.length != starts.length || axes.length != starts.length || steps.length != starts.length) {
            throw new IllegalArgumentException("Slice node '" + n.name() + "': starts, ends, axes and steps must have "
                    + "the same length, got " + starts.length + ", " + ends.length + ", " + axes.length + ", "
                    + steps.length);
        }
        long[] begin = new long[x.length];
        long[] end = x.clone();
        long[] step = ones(x.length);
        for (int i = 0; i < starts.length; i++) {
            int a = (int) ShapeInference.axis(axes[i], x.length);
            if (a < 0 || a >= x.length || steps[i] <= 0) {
                throw new IllegalArgumentException("Slice node '" + n.name() + "': axis " + axes[i] + " of a rank-"
                        + x.length + " input with step " + steps[i] + " is not supported (axes in range, steps >= 1)");
            }
            long d = x[a];
            if (d < 0) {
                if (starts[i] != 0 || ends[i] < Integer.MAX_VALUE || steps[i] != 1) {
                    throw new IllegalArgumentException("Slice node '" + n.name() + "' cuts the dynamic axis " + a
                            + "; only static axes can be sliced");
                }
                continue;
            }
            begin[a] = clamp(starts[i] < 0 ? starts[i] + d : starts[i], d);
            end[a] = Math.max(begin[a], clamp(ends[i] < 0 ? ends[i] + d : ends[i], d));
            step[a] = steps[i];
        }
        return new SliceSpec(begin, end, step);
    }

    /** The output shape: {@code ceil((end - begin) / step)} per axis, {@code -1} kept for a dynamic axis. */
    public long[] shape(long[] x) {
        long[] out = new long[x.length];
        for (int a = 0; a < x.length; a++) {
            out[a] = x[a] < 0 ? -1 : (end[a] - begin[a] + step[a] - 1) / step[a];
        }
        return out;
    }

    /** Squeeze's output shape (opset 13, axes as optional input 1; all size-1 axes when absent). */
    public static long[] squeeze(Node n, long[] x, Map<String, INDArray> consts) {
        boolean[] drop = new boolean[x.length];
        if (present(n, 1)) {
            for (long a : ShapeInference.constant(n, 1, consts).toLongVector()) {
                int i = (int) ShapeInference.axis(a, x.length);
                if (i < 0 || i >= x.length || x[i] != 1) {
                    throw new IllegalArgumentException("Squeeze node '" + n.name() + "': axis " + a + " of "
                            + Arrays.toString(x) + " is not a dimension of size 1");
                }
                drop[i] = true;
            }
        } else {
            for (int i = 0; i < x.length; i++) {
                drop[i] = x[i] == 1;
            }
        }
        long[] out = new long[x.length];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!drop[i]) {
                out[k++] = x[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static boolean present(Node n, int i) {
        return n.inputs().size() > i && !n.inputs().get(i).isEmpty();
    }

    private static long clamp(long v, long d) {
        return Math.max(0, Math.min(d, v));
    }

    private static long[] range(int k) {
        long[] r = new long[k];
        for (int i = 0; i < k; i++) {
            r[i] = i;
        }
        return r;
    }

    private static long[] ones(int k) {
        long[] r = new long[k];
        Arrays.fill(r, 1);
        return r;
    }
}
