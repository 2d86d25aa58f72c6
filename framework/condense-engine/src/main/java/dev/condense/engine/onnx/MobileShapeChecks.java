package dev.condense.engine.onnx;

import static dev.condense.engine.onnx.ShapeChecks.int64;
import static dev.condense.engine.onnx.ShapeChecks.rank;
import static dev.condense.engine.onnx.ShapeChecks.s;
import static dev.condense.engine.onnx.ShapeChecks.same;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.graph.Upsampling;
import dev.condense.engine.text.Quote;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ShapeChecks} of the ops of MobileNetV3-style exports, with input shapes ({@code -1} = dynamic) and the
 * initializer values:
 * <ul>
 *   <li>ConvTranspose: X and W 4-D (NCHW), W {@code [C, outC/group, kH, kW]} static, {@code group} dividing C,
 *       the channels of X equal to C, {@code kernel_shape} equal to W's, bias of length {@code outC}, and every
 *       output size {@code s * (in - 1) + output_padding + d * (k - 1) + 1 - pads} at least 1.</li>
 *   <li>Slice (opset 10+ form): starts, ends, axes and steps 1-D int64 initializers of one length, at most the
 *       rank; axes in {@code [-r, r-1]} and distinct; steps nonzero.</li>
 *   <li>Squeeze (opset 13 form): axes a 1-D int64 initializer, in range, distinct, naming static size-1 axes;
 *       without axes, an input with no dynamic dimension (a dynamic batch of 1 would be squeezed at run time).</li>
 *   <li>Resize: exactly one of scales (input 2, float, positive and finite) and sizes (input 3, int64 in
 *       [1, MAX_DIM]) given, 1-D with one entry per axis of X; the opset-18 {@code axes} attribute and a
 *       {@code keep_aspect_ratio_policy} other than stretch are rejected as unsupported.</li>
 * </ul>
 * Failures are {@link IllegalArgumentException}s without the node name (the caller adds it).
 */
final class MobileShapeChecks {

    private MobileShapeChecks() {
    }

    static void register(Map<String, ShapeChecks.Check> checks) {
        checks.put("ConvTranspose", MobileShapeChecks::convTranspose);
        checks.put("Slice", MobileShapeChecks::slice);
        checks.put("Squeeze", MobileShapeChecks::squeeze);
        checks.put("Resize", MobileShapeChecks::resize);
    }

    private static void convTranspose(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] x = in.get(0);
        long[] w = in.get(1);
        long[] kernel = ShapeChecks.convKernel(n, x, w);
        long group = n.intAttr("group", 1);
        if (w[0] % group != 0) {
            throw new IllegalArgumentException("group " + group + " does not divide the " + w[0]
                    + " input channels of W " + s(w));
        }
        same("input channels of X " + s(x) + " and dimension 0 of W " + s(w), x[1], w[0]);
        if (in.size() > 2 && in.get(2) != null) {
            rank("B", in.get(2), 1);
            same("bias length of B " + s(in.get(2)) + " and the output channels of W " + s(w) + " times group "
                    + group, in.get(2)[0], w[1] * group);
        }
        for (int i = 0; i < 2; i++) {
            if (kernel[i] < 1 || kernel[i] > OnnxModelValidator.MAX_DIM) {
                throw new IllegalArgumentException("kernel " + s(kernel) + " of W must be in [1, "
                        + OnnxModelValidator.MAX_DIM + "]");
            }
            if (x[2 + i] >= 0 && Upsampling.transposedSize(n, i, x[2 + i], kernel[i]) < 1) {
                throw new IllegalArgumentException("kernel " + s(kernel) + " on the input " + s(x) + " with pads "
                        + s(n.intsAttr("pads", new long[4])) + " gives an output size below 1");
            }
        }
    }

    private static void slice(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] x = in.get(0);
        String[] names = {"starts", "ends", "axes", "steps"};
        long[][] v = new long[4][];
        if (!present(n, 1) || !present(n, 2)) {
            throw new IllegalArgumentException("starts (input 1) and ends (input 2) must be given");
        }
        for (int i = 0; i < 4; i++) {
            if (present(n, i + 1)) {
                v[i] = vector(names[i], ShapeInference.constant(n, i + 1, consts));
                if (v[i].length != v[0].length) {
                    throw new IllegalArgumentException(names[i] + " has " + v[i].length + " entries, starts "
                            + v[0].length);
                }
            }
        }
        if (v[0].length > x.length) {
            throw new IllegalArgumentException("starts has " + v[0].length + " entries for the rank-" + x.length
                    + " input " + s(x));
        }
        if (v[2] != null) {
            axes("axes", v[2], x);
        }
        for (long step : v[3] == null ? new long[0] : v[3]) {
            if (step == 0) {
                throw new IllegalArgumentException("steps " + s(v[3]) + " has a 0");
            }
        }
    }

    private static void squeeze(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] x = in.get(0);
        if (!present(n, 1)) {
            if (Arrays.stream(x).anyMatch(d -> d < 0)) {
                throw new IllegalArgumentException("Squeeze without axes of the input " + s(x) + " with a dynamic "
                        + "dimension: which axes go depends on the size at run time (give axes)");
            }
            return;
        }
        long[] axes = vector("axes", ShapeInference.constant(n, 1, consts));
        for (int a : axes("axes", axes, x)) {
            if (x[a] != 1) {
                throw new IllegalArgumentException("axis " + a + " of the input " + s(x) + " has size "
                        + (x[a] < 0 ? "dynamic" : String.valueOf(x[a])) + ", not 1");
            }
        }
    }

    private static void resize(Node n, List<long[]> in, Map<String, INDArray> consts) {
        long[] x = in.get(0); // rank 4 and the mode: Upsampling#resizeFactors, which says what is supported
        if (n.attributes().containsKey("axes")) {
            throw new IllegalArgumentException("the axes attribute is not supported (scales or sizes per axis of X)");
        }
        INDArray scales = present(n, 2) ? ShapeInference.constant(n, 2, consts) : null;
        INDArray sizes = present(n, 3) ? ShapeInference.constant(n, 3, consts) : null;
        scales = scales == null || scales.length() == 0 ? null : scales;
        sizes = sizes == null || sizes.length() == 0 ? null : sizes;
        if ((scales == null) == (sizes == null)) {
            throw new IllegalArgumentException("exactly one of scales (input 2) and sizes (input 3) must be given, got "
                    + (scales == null ? "neither" : "both"));
        }
        INDArray given = scales != null ? scales : sizes;
        String what = scales != null ? "scales" : "sizes";
        if (given.rank() != 1 || given.length() != x.length) {
            throw new IllegalArgumentException(what + " must be 1-D with " + x.length + " entries (one per axis of X "
                    + s(x) + "), got shape " + s(given.shape()));
        }
        if (scales != null) {
            if (scales.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("scales must be a float tensor, got " + scales.dataType());
            }
            for (double f : scales.toDoubleVector()) {
                if (!(f > 0) || Double.isInfinite(f)) {
                    throw new IllegalArgumentException("scales " + Quote.cut(Arrays.toString(scales.toDoubleVector()))
                            + " must be positive and finite");
                }
            }
        } else {
            int64("sizes", sizes);
            for (long d : sizes.toLongVector()) {
                if (d < 1 || d > OnnxModelValidator.MAX_DIM) {
                    throw new IllegalArgumentException("sizes " + s(sizes.toLongVector()) + " must be in [1, "
                            + OnnxModelValidator.MAX_DIM + "]");
                }
            }
            Object policy = n.attributes().getOrDefault("keep_aspect_ratio_policy", "stretch");
            if (!"stretch".equals(policy)) {
                throw new IllegalArgumentException("keep_aspect_ratio_policy " + Quote.cut(String.valueOf(policy)) + " is not supported (stretch)");
            }
        }
    }

    /** A 1-D int64 initializer's values. */
    private static long[] vector(String what, INDArray v) {
        int64(what, v);
        if (v.rank() != 1) {
            throw new IllegalArgumentException(what + " must be 1-D, got shape " + s(v.shape()));
        }
        return v.toLongVector();
    }

    /** {@code axes} normalized against {@code x}'s rank; in range and distinct. */
    private static int[] axes(String what, long[] axes, long[] x) {
        int[] out = new int[axes.length];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < -x.length || axes[i] >= x.length) {
                throw new IllegalArgumentException(what + " " + s(axes) + " has " + axes[i] + ", out of range ["
                        + -x.length + ", " + (x.length - 1) + "] for the input " + s(x));
            }
            out[i] = (int) (axes[i] < 0 ? axes[i] + x.length : axes[i]);
            if (!seen.add(out[i])) {
                throw new IllegalArgumentException(what + " " + s(axes) + " names axis " + out[i] + " twice");
            }
        }
        return out;
    }

    private static boolean present(Node n, int i) {
        return n.inputs().size() > i && !n.inputs().get(i).isEmpty();
    }
}
