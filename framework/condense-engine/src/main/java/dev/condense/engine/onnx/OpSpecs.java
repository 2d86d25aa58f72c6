package dev.condense.engine.onnx;

import dev.condense.engine.text.Quote;
import static dev.condense.engine.onnx.OpSpec.Kind.FLOAT;
import static dev.condense.engine.onnx.OpSpec.Kind.INT;
import static dev.condense.engine.onnx.OpSpec.Kind.INTS;
import static dev.condense.engine.onnx.OpSpec.Kind.STRING;

import dev.condense.api.model.Node;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The table of {@link OpSpec}s, keyed by op type: input counts, attribute names and types per opset (ONNX opsets
 * {@link OnnxModelValidator#MIN_OPSET} to {@link OnnxModelValidator#MAX_OPSET}) and attribute ranges. To support a
 * new op, add one {@code put(...)} here and, if its output shape needs preconditions, an entry in {@link ShapeChecks}.
 * An op without an entry gets no attribute check (only the graph-level ones).
 *
 * <p>Ranges checked: Conv/pool {@code strides} and {@code dilations} > 0, {@code pads} in [0, MAX_DIM], two spatial
 * axes (2-D NCHW), {@code group} >= 1, {@code kernel_shape} > 0, {@code auto_pad} one of ONNX's four values;
 * boolean flags (transA, transB, ceil_mode, count_include_pad, allowzero) 0 or 1; float attributes finite;
 * Dropout ratio in [0, 1); Cast {@code to} a data type of opset 18 or older; Resize's string attributes among
 * ONNX's values (opset 10 Resize, which reads scales from input 1, is rejected); ConvTranspose like Conv plus
 * {@code output_padding} in [0, max(stride, dilation)) and {@code output_shape} in [1, MAX_DIM]; ops defined only
 * from some opset on (HardSwish 14, Resize 10) rejected before it.
 */
final class OpSpecs {
    private static final Map<String, OpSpec> SPECS = new HashMap<>();
    /** Highest TensorProto data type number up to opset 18 (BFLOAT16); float8 types (17-20) are opset 19. */
    static final long MAX_DATA_TYPE = 16;

    static {
        put(new OpSpec("Gemm", 2, 3).inputsFrom(0, 3, 3).inputsFrom(11, 2, 3)
                .attr("alpha", FLOAT).attr("beta", FLOAT).attr("transA", INT).attr("transB", INT)
                .check(flags("transA", "transB")).check(finite("alpha", "beta")));
        put(new OpSpec("MatMul", 2, 2));
        for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
            put(new OpSpec(op, 2, 2));
        }
        for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "Sign", "Identity", "GlobalAveragePool"}) {
            put(new OpSpec(op, 1, 1));
        }
        put(new OpSpec("LeakyRelu", 1, 1).attr("alpha", FLOAT).check(finite("alpha")));
        put(new OpSpec("Clip", 1, 1).inputsFrom(11, 1, 3)
                .attr("min", FLOAT, 0, 11).attr("max", FLOAT, 0, 11).check(finite("min", "max")));
        put(new OpSpec("Flatten", 1, 1).attr("axis", INT));
        put(new OpSpec("Softmax", 1, 1).attr("axis", INT));
        put(new OpSpec("LogSoftmax", 1, 1).attr("axis", INT));
        put(new OpSpec("Exp", 1, 1));
        put(new OpSpec("Log", 1, 1));
        put(new OpSpec("Sum", 1, Integer.MAX_VALUE));
        put(new OpSpec("Conv", 2, 3).attr("auto_pad", STRING).attr("dilations", INTS).attr("group", INT)
                .attr("kernel_shape", INTS).attr("pads", INTS).attr("strides", INTS).check(OpSpecs::window)
                .check((n, o) -> {
                    if (n.intAttr("group", 1) < 1) {
                        throw new IllegalArgumentException("group must be >= 1, got " + n.intAttr("group", 1));
                    }
                }));
        put(new OpSpec("BatchNormalization", 5, 5).outputs(5).attr("epsilon", FLOAT).attr("momentum", FLOAT)
                .attr("spatial", INT, 0, 9).attr("training_mode", INT, 14, Integer.MAX_VALUE)
                .check(finite("epsilon", "momentum")).check(flags("spatial", "training_mode")).check((n, o) -> {
                    if (n.floatAttr("epsilon", 1e-5) < 0) {
                        throw new IllegalArgumentException("epsilon must be >= 0, got " + n.floatAttr("epsilon", 1e-5));
                    }
                }));
        put(new OpSpec("MaxPool", 1, 1).outputs(2).attr("auto_pad", STRING).attr("kernel_shape", INTS)
                .attr("pads", INTS).attr("strides", INTS).attr("storage_order", INT, 8, Integer.MAX_VALUE)
                .attr("dilations", INTS, 10, Integer.MAX_VALUE).attr("ceil_mode", INT, 10, Integer.MAX_VALUE)
                .require("kernel_shape").check(OpSpecs::window).check(flags("ceil_mode", "storage_order")));
        put(new OpSpec("AveragePool", 1, 1).attr("auto_pad", STRING).attr("kernel_shape", INTS).attr("pads", INTS)
                .attr("strides", INTS).attr("count_include_pad", INT).attr("ceil_mode", INT, 10, Integer.MAX_VALUE)
                .require("kernel_shape").check(OpSpecs::window).check(flags("ceil_mode", "count_include_pad")));
        put(new OpSpec("Reshape", 2, 2).attr("allowzero", INT, 14, Integer.MAX_VALUE).check(flags("allowzero")));
        put(new OpSpec("Transpose", 1, 1).attr("perm", INTS));
        put(new OpSpec("Concat", 1, Integer.MAX_VALUE).attr("axis", INT).require("axis"));
        put(new OpSpec("Pad", 1, 1).inputsFrom(11, 2, 3).attr("mode", STRING).attr("pads", INTS, 0, 11)
                .attr("value", FLOAT, 0, 11).check(finite("value")).check((n, o) -> {
                    if (o < 11 && !n.attributes().containsKey("pads")) {
                        throw new IllegalArgumentException("required attribute 'pads' is missing");
                    }
                }));
        put(new OpSpec("Dropout", 1, 1).inputsFrom(12, 1, 3).outputs(2).attr("ratio", FLOAT, 0, 12)
                .attr("seed", INT, 12, Integer.MAX_VALUE).check((n, o) -> {
                    double r = n.floatAttr("ratio", 0.5);
                    if (!(r >= 0 && r < 1)) {
                        throw new IllegalArgumentException("ratio must be in [0, 1), got " + r);
                    }
                }));
        put(new OpSpec("Shape", 1, 1).attr("start", INT, 15, Integer.MAX_VALUE).attr("end", INT, 15, Integer.MAX_VALUE));
        put(new OpSpec("Gather", 2, 2).attr("axis", INT));
        put(new OpSpec("Unsqueeze", 1, 1).inputsFrom(13, 2, 2).attr("axes", INTS, 0, 13)
                .check((n, o) -> {
                    if (o < 13 && !n.attributes().containsKey("axes")) {
                        throw new IllegalArgumentException("required attribute 'axes' is missing");
                    }
                }));
        mobileOps();
        encoderOps();
    }

    /** The ops of transformer encoder exports (embedding lookups, decomposed LayerNorm, GELU by Erf). */
    private static void encoderOps() {
        put(new OpSpec("Sqrt", 1, 1));
        put(new OpSpec("Erf", 1, 1).since(9));
        put(new OpSpec("Pow", 2, 2));
        // opset 18 moves axes to an optional input, which OpsetUpgrade turns back into the attribute
        put(new OpSpec("ReduceMean", 1, 1).inputsFrom(18, 1, 2).attr("axes", INTS, 0, 18).attr("keepdims", INT)
                .attr("noop_with_empty_axes", INT, 18, Integer.MAX_VALUE).check(flags("keepdims", "noop_with_empty_axes")));
    }

    /** The ops of MobileNetV3-style exports (see {@link SupportedOps}), with their ONNX opset history. */
    private static void mobileOps() {
        put(new OpSpec("HardSigmoid", 1, 1).attr("alpha", FLOAT).attr("beta", FLOAT).check(finite("alpha", "beta")));
        put(new OpSpec("HardSwish", 1, 1).since(14));
        put(new OpSpec("Cast", 1, 1).attr("to", INT).require("to").check((n, o) -> {
            long to = n.intAttr("to", 0);
            if (to < 1 || to > MAX_DATA_TYPE) { // TensorProto.DataType 1 (FLOAT) .. 16 (BFLOAT16) up to opset 18
                throw new IllegalArgumentException("to must be an ONNX data type in [1, " + MAX_DATA_TYPE + "], got "
                        + to);
            }
        }));
        // opset 1-9: starts, ends (required) and axes as attributes; 10+: inputs data, starts, ends, axes?, steps?
        put(new OpSpec("Slice", 1, 1).inputsFrom(10, 3, 5).attr("starts", INTS, 0, 10).attr("ends", INTS, 0, 10)
                .attr("axes", INTS, 0, 10).check((n, o) -> {
                    if (o < 10) {
                        long[] starts = n.intsAttr("starts", null);
                        long[] ends = n.intsAttr("ends", null);
                        long[] axes = n.intsAttr("axes", starts);
                        if (starts == null || ends == null) {
                            throw new IllegalArgumentException("required attribute '" + (starts == null ? "starts"
                                    : "ends") + "' is missing");
                        }
                        if (ends.length != starts.length || axes.length != starts.length) {
                            throw new IllegalArgumentException("starts, ends and axes must have the same length, got "
                                    + starts.length + ", " + ends.length + ", " + axes.length);
                        }
                    }
                }));
        // opset 1-12: axes attribute; 13+: optional axes input
        put(new OpSpec("Squeeze", 1, 1).inputsFrom(13, 1, 2).attr("axes", INTS, 0, 13));
        put(new OpSpec("Resize", 2, 2).since(10).inputsFrom(11, 3, 4).inputsFrom(13, 1, 4).attr("mode", STRING)
                .attr("coordinate_transformation_mode", STRING, 11, Integer.MAX_VALUE)
                .attr("cubic_coeff_a", FLOAT, 11, Integer.MAX_VALUE).attr("exclude_outside", INT, 11, Integer.MAX_VALUE)
                .attr("extrapolation_value", FLOAT, 11, Integer.MAX_VALUE).attr("nearest_mode", STRING, 11, Integer.MAX_VALUE)
                .attr("antialias", INT, 18, Integer.MAX_VALUE).attr("axes", INTS, 18, Integer.MAX_VALUE)
                .attr("keep_aspect_ratio_policy", STRING, 18, Integer.MAX_VALUE)
                .check(oneOf("mode", "nearest", "linear", "cubic"))
                .check((n, o) -> oneOf("coordinate_transformation_mode", o < 13
                        ? new String[] {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                            "tf_half_pixel_for_nn", "tf_crop_and_resize"}
                        : new String[] {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                            "tf_crop_and_resize"}).accept(n, o))
                .check(oneOf("nearest_mode", "round_prefer_floor", "round_prefer_ceil", "floor", "ceil"))
                .check(oneOf("keep_aspect_ratio_policy", "stretch", "not_larger", "not_smaller"))
                .check(flags("exclude_outside", "antialias")).check(finite("cubic_coeff_a", "extrapolation_value"))
                .check((n, o) -> {
                    if (o < 11) {
                        throw new IllegalArgumentException("Resize of opset 10 (scales as input 1, no coordinate "
                                + "mode) is not supported; export at opset 11 or later");
                    }
                }));
        put(new OpSpec("ConvTranspose", 2, 3).attr("auto_pad", STRING).attr("dilations", INTS).attr("group", INT)
                .attr("kernel_shape", INTS).attr("output_padding", INTS).attr("output_shape", INTS).attr("pads", INTS)
                .attr("strides", INTS).check(OpSpecs::window).check((n, o) -> {
                    if (n.intAttr("group", 1) < 1) {
                        throw new IllegalArgumentException("group must be >= 1, got " + n.intAttr("group", 1));
                    }
                    ints(n, "output_shape", 2, 1, OnnxModelValidator.MAX_DIM);
                    ints(n, "output_padding", 2, 0, OnnxModelValidator.MAX_DIM);
                    long[] pad = n.intsAttr("output_padding", new long[2]);
                    long[] strides = n.intsAttr("strides", new long[] {1, 1});
                    long[] dilations = n.intsAttr("dilations", new long[] {1, 1});
                    for (int i = 0; i < 2; i++) {
                        if (pad[i] >= Math.max(strides[i], dilations[i])) {
                            throw new IllegalArgumentException("output_padding " + Arrays.toString(pad)
                                    + " must be smaller than the stride or the dilation on each axis (strides "
                                    + Arrays.toString(strides) + ", dilations " + Arrays.toString(dilations) + ")");
                        }
                    }
                }));
    }

    private OpSpecs() {
    }

    private static void put(OpSpec s) {
        SPECS.put(s.op, s);
    }

    /** The spec of {@code opType}, if the table has one. */
    static Optional<OpSpec> of(String opType) {
        return Optional.ofNullable(SPECS.get(opType));
    }

    /** Op types with a spec. */
    static Set<String> ops() {
        return SPECS.keySet();
    }

    /** Conv and pooling windows: 2 spatial axes, kernel and strides and dilations > 0, pads in [0, MAX_DIM]. */
    private static void window(Node n, long opset) {
        ints(n, "kernel_shape", 2, 1, OnnxModelValidator.MAX_DIM);
        ints(n, "strides", 2, 1, OnnxModelValidator.MAX_DIM);
        ints(n, "dilations", 2, 1, OnnxModelValidator.MAX_DIM);
        ints(n, "pads", 4, 0, OnnxModelValidator.MAX_DIM);
        Object auto = n.attributes().getOrDefault("auto_pad", "NOTSET");
        if (!Set.of("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID").contains(auto)) {
            throw new IllegalArgumentException("auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '"
                    + Quote.cut(String.valueOf(auto)) + "'");
        }
        if (!"NOTSET".equals(auto) && n.attributes().containsKey("pads")) {
            throw new IllegalArgumentException("pads and auto_pad=" + auto + " cannot both be set");
        }
    }

    private static void ints(Node n, String name, int length, long min, long max) {
        Object v = n.attributes().get(name);
        if (!(v instanceof long[] a)) {
            return;
        }
        if (a.length != length) {
            throw new IllegalArgumentException(name + " must have " + length + " values (2-D NCHW only), got "
                    + Quote.cut(Arrays.toString(a)));
        }
        for (long x : a) {
            if (x < min || x > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got "
                        + Quote.cut(Arrays.toString(a)));
            }
        }
    }

    private static java.util.function.BiConsumer<Node, Long> flags(String... names) {
        return (n, o) -> {
            for (String f : names) {
                long v = n.intAttr(f, 0);
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException(f + " must be 0 or 1, got " + v);
                }
            }
        };
    }

    /** A STRING attribute, when present, is one of {@code values}. */
    private static java.util.function.BiConsumer<Node, Long> oneOf(String name, String... values) {
        return (n, o) -> {
            Object v = n.attributes().get(name);
            if (v != null && !Arrays.asList(values).contains(v)) {
                throw new IllegalArgumentException(name + " must be one of " + String.join(", ", values) + ", got '"
                        + Quote.cut(String.valueOf(v)) + "'");
            }
        };
    }

    private static java.util.function.BiConsumer<Node, Long> finite(String... names) {
        return (n, o) -> {
            for (String f : names) {
                double v = n.floatAttr(f, 0);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(f + " must be finite, got " + v);
                }
            }
        };
    }
}
