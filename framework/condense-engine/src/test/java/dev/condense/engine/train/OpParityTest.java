package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every lowered op: ONNX Runtime on the exported graph agrees with SameDiff inference within 1e-4. */
class OpParityTest {
    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        long[] img = {-1, 4, 7, 7};
        return Stream.of(
                Arguments.of("LeakyRelu", GraphFixtures.over(img).op("LeakyRelu", Map.of("alpha", 0.2)).build()),
                Arguments.of("Sigmoid", GraphFixtures.over(img).op("Sigmoid", Map.of()).build()),
                Arguments.of("Tanh", GraphFixtures.over(img).op("Tanh", Map.of()).build()),
                Arguments.of("Sign", GraphFixtures.over(img).op("Sign", Map.of()).build()),
                Arguments.of("Clip", GraphFixtures.over(img).init("lo", Nd4j.scalar(-0.5f)).init("hi", Nd4j.scalar(0.7f))
                        .op("Clip", Map.of(), "lo", "hi").build()),
                Arguments.of("Conv", conv(1, 6, Map.of("pads", new long[] {1, 0, 2, 1}, "strides", new long[] {2, 1},
                        "dilations", new long[] {1, 2}))),
                Arguments.of("Conv-same", conv(1, 5, Map.of("auto_pad", "SAME_UPPER", "strides", new long[] {2, 2}))),
                Arguments.of("Conv-depthwise", conv(4, 8, Map.of("pads", new long[] {1, 1, 1, 1}))),
                Arguments.of("Conv-groups", conv(2, 6, Map.of())),
                Arguments.of("BatchNormalization", GraphFixtures.over(img)
                        .init("s", GraphFixtures.randn(3, 1, 4)).init("b", GraphFixtures.randn(4, 1, 4))
                        .init("m", GraphFixtures.randn(5, 1, 4)).init("v", GraphFixtures.randn(6, 1, 4).muli(0).addi(0.5))
                        .op("BatchNormalization", Map.of("epsilon", 1e-3), "s", "b", "m", "v").build()),
                Arguments.of("MaxPool", GraphFixtures.over(img).op("MaxPool", Map.of("kernel_shape", new long[] {3, 3},
                        "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1})).build()),
                Arguments.of("MaxPool-ceil", GraphFixtures.over(img).op("MaxPool", Map.of("kernel_shape", new long[] {2, 2},
                        "strides", new long[] {2, 2}, "ceil_mode", 1L)).build()),
                Arguments.of("AveragePool", GraphFixtures.over(img).op("AveragePool", Map.of("kernel_shape",
                        new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1})).build()),
                Arguments.of("GlobalAveragePool", GraphFixtures.over(img).op("GlobalAveragePool", Map.of()).build()),
                Arguments.of("Reshape", GraphFixtures.over(img).init("shape", Nd4j.createFromArray(0L, -1L, 7L))
                        .op("Reshape", Map.of(), "shape").build()),
                Arguments.of("Transpose", GraphFixtures.over(img).op("Transpose", Map.of("perm", new long[] {0, 2, 3, 1})).build()),
                Arguments.of("Concat", concat()),
                Arguments.of("Pad", GraphFixtures.over(img).init("pads", Nd4j.createFromArray(0L, 0L, 1L, 2L, 0L, 1L, 0L, 3L))
                        .init("val", Nd4j.scalar(0.25f)).op("Pad", Map.of("mode", "constant"), "pads", "val").build()),
                Arguments.of("Identity", GraphFixtures.over(img).op("Identity", Map.of()).build()),
                Arguments.of("Add/Sub/Mul/Div-per-channel", GraphFixtures.over(img)
                        .init("c", GraphFixtures.randn(9, 1, 4, 1, 1)).init("d", GraphFixtures.randn(10, 1, 1).addi(3))
                        .op("Mul", Map.of(), "c").op("Add", Map.of(), "c").op("Sub", Map.of(), "d").op("Div", Map.of(), "d")
                        .build()),
                Arguments.of("Gemm-alpha-beta", GraphFixtures.over(-1, 6).init("w", GraphFixtures.randn(11, 1, 6, 3))
                        .init("bias", GraphFixtures.randn(12, 1, 3))
                        .op("Gemm", Map.of("alpha", 0.5, "beta", 2.0), "w", "bias").build()),
                Arguments.of("Dropout", GraphFixtures.over(img).op("Dropout", Map.of()).op("Flatten", Map.of()).build()),
                Arguments.of("HardSigmoid", GraphFixtures.over(img).op("HardSigmoid", Map.of()).build()),
                Arguments.of("HardSigmoid-mobile", GraphFixtures.over(img)
                        .op("HardSigmoid", Map.of("alpha", 1.0 / 6, "beta", 0.5)).build()),
                Arguments.of("Slice", GraphFixtures.over(img).init("st", Nd4j.createFromArray(1L, -5L))
                        .init("en", Nd4j.createFromArray(3L, Long.MAX_VALUE)).init("ax", Nd4j.createFromArray(1L, 3L))
                        .init("sp", Nd4j.createFromArray(1L, 2L)).op("Slice", Map.of(), "st", "en", "ax", "sp").build()),
                Arguments.of("Slice-default-axes", GraphFixtures.over(img).init("st", Nd4j.createFromArray(0L, 2L, 1L))
                        .init("en", Nd4j.createFromArray(Long.MAX_VALUE, 4L, -1L)).op("Slice", Map.of(), "st", "en").build()),
                Arguments.of("Squeeze", GraphFixtures.over(-1, 4, 1, 7).init("axes", Nd4j.createFromArray(-2L))
                        .op("Squeeze", Map.of(), "axes").build()),
                Arguments.of("Resize-nearest-asymmetric", GraphFixtures.over(img).init("roi", Nd4j.create(DataType.FLOAT, 0))
                        .init("scales", Nd4j.createFromArray(1f, 1f, 2f, 3f)).op("Resize", Map.of("mode", "nearest",
                                "coordinate_transformation_mode", "asymmetric", "nearest_mode", "floor"), "roi", "scales")
                        .build()),
                Arguments.of("Resize-nearest-sizes-half-pixel", GraphFixtures.over(img).init("roi", Nd4j.create(DataType.FLOAT, 0))
                        .init("scales", Nd4j.create(DataType.FLOAT, 0)).init("sizes", Nd4j.createFromArray(3L, 4L, 21L, 14L))
                        .op("Resize", Map.of("mode", "nearest"), "roi", "scales", "sizes").build()),
                Arguments.of("ConvTranspose-stride2-outpad", convTranspose(3, Map.of("strides", new long[] {2, 2},
                        "pads", new long[] {1, 1, 1, 1}, "output_padding", new long[] {1, 1}), true)),
                Arguments.of("ConvTranspose-plain", convTranspose(3, Map.of(), false)),
                Arguments.of("ConvTranspose-crop", convTranspose(2, Map.of("strides", new long[] {2, 3},
                        "pads", new long[] {1, 0, 1, 2}), true)),
                Arguments.of("ConvTranspose-dilated", convTranspose(3, Map.of("dilations", new long[] {2, 1},
                        "pads", new long[] {0, 1, 2, 0}), true)),
                Arguments.of("MatMul+Softmax", GraphFixtures.over(-1, 6).init("w", GraphFixtures.randn(8, 1, 6, 3))
                        .op("MatMul", Map.of(), "w").op("Softmax", Map.of("axis", 1L)).build()));
    }

    private static ModelGraph conv(int group, int outC, Map<String, Object> attrs) {
        return GraphFixtures.over(-1, 4, 7, 7)
                .init("w", GraphFixtures.randn(1, 0.5, outC, 4 / group, 3, 3)).init("b", GraphFixtures.randn(2, 0.1, outC))
                .op("Conv", withGroup(attrs, group), "w", "b").build();
    }

    /** ConvTranspose 4 -> 5 channels, kernel k x k, weight {@code [4, 5, k, k]}. */
    private static ModelGraph convTranspose(int k, Map<String, Object> attrs, boolean bias) {
        GraphFixtures g = GraphFixtures.over(-1, 4, 7, 7).init("w", GraphFixtures.randn(3, 0.5, 4, 5, k, k));
        return bias ? g.init("b", GraphFixtures.randn(4, 0.1, 5)).op("ConvTranspose", attrs, "w", "b").build()
                : g.op("ConvTranspose", attrs, "w").build();
    }

    private static Map<String, Object> withGroup(Map<String, Object> attrs, long group) {
        var m = new java.util.HashMap<>(attrs);
        m.put("group", group);
        return m;
    }

    private static ModelGraph concat() {
        GraphFixtures g = GraphFixtures.over(-1, 4, 7, 7).op("Relu", Map.of());
        String relu = g.last();
        return g.op("Sigmoid", Map.of()).node("Concat", List.of("x", relu, g.last()), Map.of("axis", 1L)).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ortAgreesWithSameDiff(String label, ModelGraph graph) throws Exception {
        Path file = dir.resolve(label + ".onnx");
        new OnnxExporter().write(graph, file);
        long[] shape = graph.inputs().get(0).shape();
        shape[0] = 3;
        INDArray x = GraphFixtures.randn(17, 1, shape);
        INDArray expected;
        try (OrtRunner ort = new OrtRunner(file)) {
            expected = ort.run(x);
        }
        INDArray actual = Inference.predict(graph, x);
        assertArrayEquals(expected.shape(), actual.shape(), label);
        assertTrue(expected.equalsWithEps(actual, 1e-4), () -> label + ": ORT " + expected + "\nvs SameDiff " + actual);
    }
}
