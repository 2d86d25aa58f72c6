package dev.condense.engine.onnx;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.ConvGeometry;
import dev.condense.engine.graph.EncoderShapes;
import dev.condense.engine.graph.Pads;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.text.Quote;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Preconditions of {@link ShapeInference#outputShape} per op type, checked with the input shapes ({@code -1} =
 * dynamic) and the initializer values: ranks, weight shapes that match their inputs (Gemm, MatMul, Conv,
 * BatchNormalization), group dividing the channels, kernels that fit the padded input, axes in range, Transpose
 * permutations, Concat and Reshape consistency, Pad amounts in [0, MAX_DIM]; Slice, Squeeze, Resize and
 * ConvTranspose in {@link MobileShapeChecks}. A dynamic dimension is not compared.
 * Failures are {@link IllegalArgumentException}s without the node name (the caller adds it). Keyed by op type;
 * an op without an entry only gets the generic output-dimension bounds of {@link OnnxModelValidator}.
 */
final class ShapeChecks {

    /** A precondition on node {@code n} with input shapes {@code in} (null for an omitted optional input). */
    interface Check {
        void check(Node n, List<long[]> in, Map<String, INDArray> consts);
    }

    private static final Map<String, Check> CHECKS = new HashMap<>();

    static {
        CHECKS.put("Gemm", ShapeChecks::gemm);
        CHECKS.put("MatMul", (n, in, c) -> {
            rankAtLeast("A", in.get(0), 2);
            rankAtLeast("B", in.get(1), 2);
            contract("inner dimensions of A " + s(in.get(0)) + " and B " + s(in.get(1)),
                    in.get(0)[in.get(0).length - 1], in.get(1)[in.get(1).length - 2]);
        });
        CHECKS.put("Gather", (n, in, c) -> {
            rankAtLeast("data", in.get(0), 1);
            axis(n.intAttr("axis", 0), in.get(0).length, false);
            if (in.get(0)[(int) ShapeInference.axis(n.intAttr("axis", 0), in.get(0).length)] < 0) {
                throw new IllegalArgumentException("data is gathered along its dynamic dimension " + s(in.get(0)));
            }
        });
        CHECKS.put("ReduceMean", (n, in, c) -> EncoderShapes.reduceAxes(n.intsAttr("axes", null), in.get(0).length));
        CHECKS.put("Conv", ShapeChecks::conv);
        CHECKS.put("MaxPool", (n, in, c) -> window(n, in.get(0), n.intsAttr("kernel_shape", null)));
        CHECKS.put("AveragePool", (n, in, c) -> window(n, in.get(0), n.intsAttr("kernel_shape", null)));
        CHECKS.put("GlobalAveragePool", (n, in, c) -> rank("X", in.get(0), 4));
        CHECKS.put("BatchNormalization", (n, in, c) -> {
            rankAtLeast("X", in.get(0), 2);
            static_("the channels of X", new long[] {in.get(0)[1]}, 0);
            String[] names = {"scale", "B", "mean", "var"};
            for (int i = 1; i < 5; i++) {
                rank(names[i - 1], in.get(i), 1);
                same(names[i - 1] + " length and the channels of X " + s(in.get(0)), in.get(i)[0], in.get(0)[1]);
            }
        });
        CHECKS.put("Flatten", (n, in, c) -> axis(n.intAttr("axis", 1), in.get(0).length, true));
        CHECKS.put("Softmax", ShapeChecks::softmax);
        CHECKS.put("LogSoftmax", ShapeChecks::softmax);
        CHECKS.put("Reshape", ShapeChecks::reshape);
        CHECKS.put("Transpose", (n, in, c) -> {
            long[] perm = n.intsAttr("perm", null);
            if (perm == null) {
                return;
            }
            boolean[] seen = new boolean[in.get(0).length];
            for (long p : perm) {
                if (perm.length != seen.length || p < 0 || p >= seen.length || seen[(int) p]) {
                    throw new IllegalArgumentException("perm " + Quote.cut(Arrays.toString(perm))
                            + " is not a permutation of the " + seen.length + " axes of " + s(in.get(0)));
                }
                seen[(int) p] = true;
            }
        });
        CHECKS.put("Concat", (n, in, c) -> {
            long[] first = in.get(0);
            rankAtLeast("input 0", first, 1);
            int axis = (int) axis(n.intAttr("axis", 0), first.length, false);
            for (int i = 1; i < in.size(); i++) {
                rank("input " + i, in.get(i), first.length);
                for (int d = 0; d < first.length; d++) {
                    if (d != axis) {
                        same("dimension " + d + " of inputs " + s(first) + " and " + s(in.get(i)), first[d], in.get(i)[d]);
                    }
                }
            }
        });
        CHECKS.put("Pad", (n, in, c) -> {
            if (n.inputs().size() > 1 && !n.inputs().get(1).isEmpty()) {
                int64("pads", ShapeInference.constant(n, 1, c));
            }
            for (long p : Pads.of(n, c, in.get(0).length)) {
                if (p < 0 || p > OnnxModelValidator.MAX_DIM) {
                    throw new IllegalArgumentException("pads must be in [0, " + OnnxModelValidator.MAX_DIM
                            + "] (cropping is not supported), got " + p);
                }
            }
            scalars(n, in, 2);
        });
        CHECKS.put("Clip", (n, in, c) -> scalars(n, in, 1, 2));
        CHECKS.put("Dropout", (n, in, c) -> {
            scalars(n, in, 1);
            if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
                throw new IllegalArgumentException("training_mode input is not supported (inference graphs only)");
            }
        });
    }

    static {
        MobileShapeChecks.register(CHECKS);
    }

    /** Softmax and LogSoftmax: an axis in range of an input of rank >= 1. */
    private static void softmax(Node n, List<long[]> in, Map<String, INDArray> c) {
        rankAtLeast("input", in.get(0), 1);
        axis(n.intAttr("axis", -1), in.get(0).length, false);
    }

    private ShapeChecks() {
    }

    /** Runs the check for {@code n}'s op type, if there is one. */
    static void check(Node n, List<long[]> in, Map<String, INDArray> consts) {
        Check c = CHECKS.get(n.opType());
        if (c != null) {
            c.check(n, in, consts);
        }
    }

    private static void gemm(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] a = in.get(0);
        long[] b = in.get(1);
        rank("A", a, 2);
        rank("B", b, 2);
        static_("B", b, 0);
        boolean ta = n.intAttr("transA", 0) != 0;
        boolean tb = n.intAttr("transB", 0) != 0;
        contract("inner dimension of A " + s(a) + (ta ? " (transposed)" : "") + " and B " + s(b)
                + (tb ? " (transposed)" : ""), a[ta ? 0 : 1], b[tb ? 1 : 0]);
        long[] out = {a[ta ? 1 : 0], b[tb ? 0 : 1]};
        long[] bias = in.size() > 2 ? in.get(2) : null;
        if (bias != null) {
            if (bias.length > 2) {
                throw new IllegalArgumentException("C " + s(bias) + " has rank above 2");
            }
            for (int i = 0; i < bias.length; i++) {
                long d = bias[i];
                long t = out[2 - bias.length + i];
                if (d != 1 && d != -1 && d != t) {
                    throw new IllegalArgumentException("C " + s(bias) + " does not broadcast to the output "
                            + s(out));
                }
            }
        }
    }

    private static void conv(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] x = in.get(0);
        long[] w = in.get(1);
        long[] kernel = convKernel(n, x, w);
        long group = n.intAttr("group", 1);
        if (w[0] >= 0 && w[0] % group != 0) {
            throw new IllegalArgumentException("group " + group + " does not divide the " + w[0]
                    + " output channels of W " + s(w));
        }
        same("input channels of X " + s(x) + " and W " + s(w) + " times group " + group,
                x[1], w[1] < 0 ? -1 : w[1] * group);
        if (in.size() > 2 && in.get(2) != null) {
            rank("B", in.get(2), 1);
            same("bias length of B " + s(in.get(2)) + " and the output channels of W " + s(w), in.get(2)[0], w[0]);
        }
        window(n, x, kernel);
    }

    /**
     * Shared by Conv and ConvTranspose: X and W of rank 4, W and X's channel count static, a declared
     * {@code kernel_shape} equal to W's spatial dims. Returns the kernel {@code [kh, kw]} (its range is checked by
     * the caller, whose output-size rule differs).
     */
    static long[] convKernel(Node n, long[] x, long[] w) {
        rank("X", x, 4);
        rank("W", w, 4);
        static_("W", w, 0);
        static_("the channels of X", new long[] {x[1]}, 0);
        long[] kernel = Arrays.copyOfRange(w, 2, 4);
        long[] declared = n.intsAttr("kernel_shape", null);
        if (declared != null && !Arrays.equals(declared, kernel)) {
            throw new IllegalArgumentException("kernel_shape " + s(declared) + " does not match W " + s(w));
        }
        return kernel;
    }

    /** Conv and pooling: 2-D NCHW, and every output size at least 1 (the dilated kernel fits the padded input). */
    private static void window(Node n, long[] x, long[] kernel) {
        rank("X", x, 4);
        for (long k : kernel) {
            if (k < 1 || k > OnnxModelValidator.MAX_DIM) {
                throw new IllegalArgumentException("kernel " + s(kernel) + " must be in [1, "
                        + OnnxModelValidator.MAX_DIM + "]");
            }
        }
        ConvGeometry g = ConvGeometry.of(n, x, kernel);
        for (int i = 0; i < 2; i++) {
            if (x[2 + i] >= 0 && g.outSize(i, x[2 + i]) < 1) {
                throw new IllegalArgumentException("kernel " + s(kernel) + " (dilations " + s(g.dilations())
                        + ") does not fit the input " + s(x) + " with pads " + s(g.pads()));
            }
        }
    }

    private static void reshape(Node n, List<long[]> in, Map<String, INDArray> consts) {
        try {
            reshapeCounts(n, in, consts);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the element count of the reshape overflows a long", e);
        }
    }

    private static void reshapeCounts(Node n, List<long[]> in, Map<String, INDArray> consts) {
        INDArray shape = ShapeInference.constant(n, 1, consts);
        int64("shape", shape);
        if (shape.rank() != 1) {
            throw new IllegalArgumentException("shape must be a 1-D int64 tensor, got rank " + shape.rank());
        }
        long[] spec = shape.toLongVector();
        long[] x = in.get(0);
        boolean allowZero = n.intAttr("allowzero", 0) != 0;
        int minus = 0;
        long known = 1;
        boolean dynamic = Arrays.stream(x).anyMatch(d -> d < 0);
        long total = Arrays.stream(x).filter(d -> d >= 0).reduce(1, Math::multiplyExact);
        for (int i = 0; i < spec.length; i++) {
            long d = spec[i];
            if (d < -1 || d > OnnxModelValidator.MAX_DIM || (d == 0 && allowZero)) {
                throw new IllegalArgumentException("shape " + Quote.cut(Arrays.toString(spec))
                        + " has an invalid entry " + d);
            }
            if (d == -1) {
                minus++;
            } else if (d == 0) {
                if (i >= x.length) {
                    throw new IllegalArgumentException("shape " + Quote.cut(Arrays.toString(spec))
                            + " copies dimension " + i + " (0) of the rank-" + x.length + " input");
                }
                if (x[i] >= 0) {
                    known = Math.multiplyExact(known, x[i]);
                } else {
                    dynamic = false; // the dynamic dimension is copied, so the static parts must match
                }
            } else {
                known = Math.multiplyExact(known, d);
            }
        }
        if (minus > 1) {
            throw new IllegalArgumentException("shape " + Quote.cut(Arrays.toString(spec)) + " has two -1");
        }
        boolean ok = minus == 1 ? total % known == 0 : dynamic ? known % total == 0 : known == total;
        if (!ok) {
            throw new IllegalArgumentException("cannot reshape " + s(x) + " to "
                    + Quote.cut(Arrays.toString(spec)));
        }
    }

    private static void scalars(Node n, List<long[]> in, int... indices) {
        for (int i : indices) {
            if (i < in.size() && in.get(i) != null && Arrays.stream(in.get(i)).reduce(1, (a, b) -> a * b) != 1) {
                throw new IllegalArgumentException("input " + i + " must be a scalar, got shape " + s(in.get(i)));
            }
        }
    }

    static void int64(String what, INDArray a) {
        if (a.dataType() != DataType.INT64) {
            throw new IllegalArgumentException(what + " must be an int64 tensor, got " + a.dataType());
        }
    }

    static long axis(long axis, int rank, boolean inclusive) {
        long hi = inclusive ? rank : rank - 1;
        if (axis < -rank || axis > hi) {
            throw new IllegalArgumentException("axis " + axis + " is out of range [" + -rank + ", " + hi + "] for rank "
                    + rank);
        }
        return axis < 0 ? axis + rank : axis;
    }

    static void rank(String what, long[] shape, int rank) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(what + " must have rank " + rank + ", got shape " + s(shape)
                    + (rank == 4 ? " (2-D NCHW only)" : ""));
        }
    }

    /** Fails when a dimension of {@code shape} from {@code from} on is dynamic. */
    static void static_(String what, long[] shape, int from) {
        for (int i = from; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(what + " must have a static shape, got " + s(shape));
            }
        }
    }

    static void rankAtLeast(String what, long[] shape, int rank) {
        if (shape.length < rank) {
            throw new IllegalArgumentException(what + " must have rank >= " + rank + ", got shape " + s(shape));
        }
    }

    /**
     * A contracted dimension pair: equal when both are static; a dynamic one (the batch size at run time) against a
     * static one cannot be checked and is rejected; two dynamic ones are taken to be the same size.
     */
    private static void contract(String what, long a, long b) {
        if ((a < 0) != (b < 0)) {
            throw new IllegalArgumentException(what + " do not match (" + (a < 0 ? "dynamic" : a) + " vs "
                    + (b < 0 ? "dynamic" : b) + ")");
        }
        same(what, a, b);
    }

    /** Fails when two dimensions that must agree are both static and differ. */
    static void same(String what, long a, long b) {
        if (a >= 0 && b >= 0 && a != b) {
            throw new IllegalArgumentException(what + " do not match (" + a + " vs " + b + ")");
        }
    }

    static String s(long[] shape) {
        return Quote.cut(Arrays.toString(shape)).replace(" ", "");
    }
}
