package dev.condense.engine.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.model.ValueInfo.ElementType;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.MinMaxAccumulator;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.quant.ActivationCalibration;
import dev.condense.engine.quant.QdqPlacement;
import dev.condense.engine.quant.StaticQuantization;
import dev.condense.engine.runtime.OptimizedGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link InputPatches} on planted CNNs (a C-channel 12x12 input normalized by Sub/Div, a 3x3 stem of M filters with
 * pads 1 and stride s, Relu, a 3x3 16 -> 16 convolution, global average pooling, fc 10) quantized by the engine's
 * static path: the stem becomes shifted slices and a 1x1 convolution, ONNX Runtime computes the same logits, QDQ and
 * integer-only, with no float convolution left; stems that would not gain are left alone.
 */
class InputPatchesTest {
    @TempDir
    Path dir;

    private static ModelGraph planted(long channels, long stemOut, long stride) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(23);
        ModelGraph.Builder b = ModelGraph.builder("planted-stem")
                .input(new ValueInfo("input", ElementType.FLOAT, new long[] {-1, channels, 12, 12}))
                .initializer("norm.mean", Nd4j.createFromArray(0.13f)).initializer("norm.std", Nd4j.createFromArray(0.31f));
        b.node(new Node("norm.sub", "Sub", List.of("input", "norm.mean"), List.of("norm.sub"), Map.of()));
        b.node(new Node("norm.div", "Div", List.of("norm.sub", "norm.std"), List.of("norm.div"), Map.of()));
        String x = relu(b, "stem.relu", conv(b, rng, "stem", "norm.div", channels, stemOut, stride));
        x = relu(b, "c2.relu", conv(b, rng, "c2", x, stemOut, 16, 1));
        b.node(new Node("gap", "GlobalAveragePool", List.of(x), List.of("gap"), Map.of()));
        b.node(new Node("flatten", "Flatten", List.of("gap"), List.of("flatten"), Map.of("axis", 1L)));
        b.initializer("fc.weight", Nd4j.randn(rng, 10, 16).castTo(DataType.FLOAT).muli(0.3))
                .initializer("fc.bias", Nd4j.rand(rng, 10).castTo(DataType.FLOAT).subi(0.5));
        b.node(new Node("fc", "Gemm", List.of("flatten", "fc.weight", "fc.bias"), List.of("logits"), Map.of("transB", 1L)));
        b.output(new ValueInfo("logits", ElementType.FLOAT, new long[] {-1, 10}));
        return b.build();
    }

    private static String conv(ModelGraph.Builder b, Random rng, String name, String x, long in, long out, long stride) {
        b.initializer(name + ".weight", Nd4j.randn(rng, out, in, 3, 3).castTo(DataType.FLOAT).muli(Math.sqrt(2.0 / (in * 9))));
        b.initializer(name + ".bias", Nd4j.rand(rng, out).castTo(DataType.FLOAT).muli(0.2).subi(0.1));
        b.node(new Node(name, "Conv", List.of(x, name + ".weight", name + ".bias"), List.of(name),
                Map.of("kernel_shape", new long[] {3, 3}, "strides", new long[] {stride, stride}, "pads", new long[] {1, 1, 1, 1})));
        return name;
    }

    private static String relu(ModelGraph.Builder b, String name, String x) {
        b.node(new Node(name, "Relu", List.of(x), List.of(name), Map.of()));
        return name;
    }

    private static INDArray rows(long seed, int n, long channels) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextDouble(new long[] {n, channels, 12, 12}).castTo(DataType.FLOAT);
    }

    private static ModelProto quantized(ModelGraph g) {
        List<WeightedLayer> layers = WeightedLayers.stored(g);
        QdqPlacement p = QdqPlacement.of(g, layers);
        Map<String, ClipRange> ranges = ActivationCalibration.calibrate(g, rows(5, 64, g.inputs().get(0).shape()[1]),
                p.calibrated(), MinMaxAccumulator::new, 64, 8, false);
        return new OnnxExporter().toProto(StaticQuantization.apply(g, layers, p, ranges, 8, false,
                new StaticQuantization.WeightOptions(8, true, true, false)));
    }

    private INDArray run(ModelProto m, String file, INDArray x) throws Exception {
        return QdqFiles.run(dir, m, file, x);
    }

    private static long[] dims(ModelProto m, String initializer) {
        return QdqFiles.dims(m, initializer);
    }

    private void lowersExactly(long channels, long stride, String expected, long patchChannels, long slices)
            throws Exception {
        ModelProto qdq = quantized(planted(channels, 16, stride));
        ChannelPadding.Result r = InputPatches.lower(qdq);
        assertEquals(List.of(expected), r.widened());
        assertArrayEquals(new long[] {16, patchChannels, 1, 1}, dims(r.model(), "stem.weight.quantized"));
        assertEquals(slices, r.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Slice")).count());

        INDArray x = rows(99, 32, channels);
        INDArray before = run(qdq, "qdq.onnx", x);
        INDArray after = run(r.model(), "patched.onnx", x);
        double scale = Transforms.abs(before).maxNumber().doubleValue();
        assertTrue(Transforms.abs(before.sub(after)).maxNumber().doubleValue() <= 1e-6 * scale,
                "the same integer sums: " + before + " vs " + after);
        OptimizedGraph o = OptimizedGraph.of(dir.resolve("patched.onnx"), 1);
        assertEquals(0, o.floatComputeNodes(), o.summary());
        assertEquals(OptimizedGraph.of(dir.resolve("qdq.onnx"), 1).integerNodes(), o.integerNodes(), o.summary());

        INDArray integer = run(IntegerOnlyExport.rewrite(r.model(), "patched"), "integer.onnx", x);
        assertTrue(Transforms.abs(after.sub(integer)).maxNumber().doubleValue() <= 1e-3 * scale);
    }

    @Test
    void aOneChannelStemBecomesTwelvePatchChannelsWithTheSameLogits() throws Exception {
        lowersExactly(1, 1, "stem: 1x3x3 -> 12 patch channels", 12, 12);
    }

    @Test
    void aThreeChannelStridedStemBecomesTwentyEightPatchChannelsWithTheSameLogits() throws Exception {
        lowersExactly(3, 2, "stem: 3x3x3 -> 28 patch channels", 28, 10);   // 9 taps x 3 channels, then 1 of a 10th
    }

    @Test
    void stemsThatWouldNotMeetTheKernelAreLeftAlone() {
        ModelProto narrow = quantized(planted(1, 8, 1));
        assertSame(narrow, InputPatches.lower(narrow).model(), "8 filters miss MLAS's kernel with or without patches");
        ModelProto floatModel = new OnnxExporter().toProto(planted(1, 16, 1));
        assertSame(floatModel, InputPatches.lower(floatModel).model(), "no int8 convolution");
    }

    @Test
    void reorderedWeightsPutTapMajorChannelsAndZerosAfter() {
        TensorProto w = QTensors.bytes("w", new long[] {2, 2, 1, 2}, TensorProto.DataType.INT8_VALUE,
                new int[] {1, 2, 3, 4, -1, -2, -3, -4});   // w[m, c, 0, x]
        TensorProto r = InputPatches.reordered(w, 2, 2, 2, 8);
        assertArrayEquals(new int[] {1, 3, 2, 4, 0, 0, 0, 0, -1, -3, -2, -4, 0, 0, 0, 0}, QTensors.ints(r));
        assertArrayEquals(new Long[] {2L, 8L, 1L, 1L}, r.getDimsList().toArray(new Long[0]));
    }
}
