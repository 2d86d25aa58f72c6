package dev.condense.engine.graph;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Static shape inference over the IR: every tensor name (graph inputs, initializers, node outputs) to its shape,
 * with {@code -1} for a dynamic dimension (the batch axis). ONNX opset 13 semantics.
 *
 * <p>Shape-carrying inputs (Reshape's shape, Pad's pads) must be initializers: the IR has no dynamic shapes (the
 * importer folds Shape/Gather/Unsqueeze chains into initializers). Elementwise rules live in {@link Broadcast},
 * spatial rules in {@link ConvGeometry}.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    /** Shapes of all tensors of {@code g}, in no particular order. */
    public static Map<String, long[]> infer(ModelGraph g) {
        Map<String, long[]> s = new HashMap<>();
        g.inputs().forEach(v -> s.put(v.name(), v.shape()));
        g.initializers().forEach((k, v) -> s.put(k, v.shape()));
        for (Node n : g.nodes()) {
            List<long[]> in = new ArrayList<>();
            n.inputs().forEach(i -> in.add(i.isEmpty() ? null : s.get(i)));
            s.put(n.output(), outputShape(n, in, g.initializers()));
        }
        return s;
    }

    /**
     * Shape of {@code n}'s first output.
     *
     * @param in     shapes of its inputs ({@code null} for an omitted optional input)
     * @param consts initializer values, for shape-carrying inputs
     */
    public static long[] outputShape(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] x = in.get(0);
        return switch (n.opType()) {
            case "Gemm" -> new long[] {x[n.intAttr("transA", 0) != 0 ? 1 : 0], in.get(1)[n.intAttr("transB", 0) != 0 ? 0 : 1]};
            case "MatMul" -> matMul(x, in.get(1));
            case "Add", "Sub", "Mul", "Div", "Pow" -> Broadcast.shape(x, in.get(1));
            case "Gather", "Unsqueeze", "ReduceMean" -> EncoderShapes.outputShape(n, in, consts);
            case "Flatten" -> flatten(x, (int) axis(n.intAttr("axis", 1), x.length));
            case "Conv" -> conv(n, x, in.get(1));
            case "MaxPool", "AveragePool" -> pool(n, x);
            case "GlobalAveragePool" -> globalPool(x);
            case "Reshape" -> Reshapes.target(x, constant(n, 1, consts).toLongVector(), n.intAttr("allowzero", 0) != 0);
            case "Transpose" -> transpose(x, n.intsAttr("perm", null));
            case "Concat" -> concat(n, in);
            case "Pad" -> pad(x, Pads.of(n, consts, x.length));
            case "Slice" -> SliceSpec.of(n, x, consts).shape(x);
            case "Squeeze" -> SliceSpec.squeeze(n, x, consts);
            case "Resize" -> Upsampling.resize(n, x, consts);
            case "ConvTranspose" -> Upsampling.convTranspose(n, x, in.get(1));
            default -> x.clone(); // unary elementwise (incl. HardSigmoid, Sqrt, Erf, Cast), Softmax, BatchNormalization, Dropout, Clip
        };
    }

    /** The initializer read as input {@code i} of {@code n}; shape-carrying inputs must be static. */
    public static INDArray constant(Node n, int i, Map<String, INDArray> consts) {
        INDArray v = i < n.inputs().size() ? consts.get(n.inputs().get(i)) : null;
        if (v == null) {
            throw new IllegalArgumentException(n.opType() + " node '" + n.name() + "': input " + i
                    + " must be an initializer (the IR supports static shapes only)");
        }
        return v;
    }

    /** {@code a} normalized to {@code [0, rank)} (ONNX allows negative axes). */
    public static long axis(long a, int rank) {
        return a < 0 ? a + rank : a;
    }

    private static long[] matMul(long[] a, long[] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("MatMul needs rank >= 2 operands, got " + Arrays.toString(a)
                    + " and " + Arrays.toString(b));
        }
        long[] batch = Broadcast.shape(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        long[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = a[a.length - 2];
        out[batch.length + 1] = b[b.length - 1];
        return out;
    }

    private static long[] flatten(long[] s, int axis) {
        return new long[] {Reshapes.product(s, 0, axis), Reshapes.product(s, axis, s.length)};
    }

    private static long[] conv(Node n, long[] x, long[] w) {
        check2d(n, x);
        ConvGeometry g = ConvGeometry.of(n, x, Arrays.copyOfRange(w, 2, w.length));
        return new long[] {x[0], w[0], g.outSize(0, x[2]), g.outSize(1, x[3])};
    }

    private static long[] pool(Node n, long[] x) {
        check2d(n, x);
        ConvGeometry g = ConvGeometry.of(n, x, n.intsAttr("kernel_shape", null));
        return new long[] {x[0], x[1], g.outSize(0, x[2]), g.outSize(1, x[3])};
    }

    private static void check2d(Node n, long[] x) {
        if (x.length != 4) {
            throw new IllegalArgumentException(n.opType() + " node '" + n.name() + "': only 2-D spatial inputs "
                    + "[N, C, H, W] are supported, got " + Arrays.toString(x));
        }
    }

    private static long[] globalPool(long[] x) {
        long[] out = x.clone();
        Arrays.fill(out, 2, out.length, 1);
        return out;
    }

    private static long[] transpose(long[] x, long[] perm) {
        long[] out = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[perm == null ? x.length - 1 - i : (int) perm[i]];
        }
        return out;
    }

    private static long[] concat(Node n, List<long[]> in) {
        long[] out = in.get(0).clone();
        int axis = (int) axis(n.intAttr("axis", 0), out.length);
        for (int i = 1; i < in.size(); i++) {
            long d = in.get(i)[axis];
            out[axis] = out[axis] < 0 || d < 0 ? -1 : out[axis] + d;
        }
        return out;
    }

    private static long[] pad(long[] x, long[] pads) {
        long[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] < 0 ? -1 : x[i] + pads[i] + pads[i + x.length];
        }
        return out;
    }
}
