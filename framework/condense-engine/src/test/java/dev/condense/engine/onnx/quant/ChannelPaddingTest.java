package dev.condense.engine.onnx.quant;

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
import java.util.Set;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link ChannelPadding} on a planted residual CNN (1-channel 12x12 input; stem 1 -> 8; one basic block of two 8 -> 8
 * convolutions with the identity shortcut; an 8 -> 16 stride-2 convolution; global average pooling; fc 10), quantized
 * by the engine's static path: the stem's input is padded to 4 channels, the 8-channel group (stem, the block's
 * convolutions and the residual Add) and the block's inner tensor widen to 16, the readers' input channels follow,
 * and ONNX Runtime computes the same logits before and after, QDQ and integer-only.
 */
class ChannelPaddingTest {
    @TempDir
    Path dir;

    private static ModelGraph planted(long inputChannels, boolean narrowHead) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(17);
        ModelGraph.Builder b = ModelGraph.builder("planted-residual")
                .input(new ValueInfo("input", ElementType.FLOAT, new long[] {-1, inputChannels, 12, 12}));
        String x = conv(b, rng, "stem", "input", inputChannels, 8, 1);
        x = relu(b, "stem.relu", x);
        String h = relu(b, "b.relu1", conv(b, rng, "b.conv1", x, 8, 8, 1));
        h = conv(b, rng, "b.conv2", h, 8, 8, 1);
        b.node(new Node("b.add", "Add", List.of(h, x), List.of("b.add"), Map.of()));
        x = relu(b, "b.relu2", "b.add");
        if (!narrowHead) {
            x = relu(b, "down.relu", conv(b, rng, "down", x, 8, 16, 2));
        }
        long width = narrowHead ? 8 : 16;
        b.node(new Node("gap", "GlobalAveragePool", List.of(x), List.of("gap"), Map.of()));
        b.node(new Node("flatten", "Flatten", List.of("gap"), List.of("flatten"), Map.of("axis", 1L)));
        b.initializer("fc.weight", Nd4j.randn(rng, 10, width).castTo(DataType.FLOAT).muli(0.3))
                .initializer("fc.bias", Nd4j.rand(rng, 10).castTo(DataType.FLOAT).subi(0.5));
        b.node(new Node("fc", "Gemm", List.of("flatten", "fc.weight", "fc.bias"), List.of("logits"),
                Map.of("transB", 1L)));
        b.output(new ValueInfo("logits", ElementType.FLOAT, new long[] {-1, 10}));
        return b.build();
    }

    private static String conv(ModelGraph.Builder b, Random rng, String name, String x, long in, long out, long stride) {
        b.initializer(name + ".weight", Nd4j.randn(rng, out, in, 3, 3).castTo(DataType.FLOAT)
                .muli(Math.sqrt(2.0 / (in * 9))));
        b.initializer(name + ".bias", Nd4j.rand(rng, out).castTo(DataType.FLOAT).muli(0.2).subi(0.1));
        b.node(new Node(name, "Conv", List.of(x, name + ".weight", name + ".bias"), List.of(name),
                Map.of("kernel_shape", new long[] {3, 3}, "strides", new long[] {stride, stride},
                        "pads", new long[] {1, 1, 1, 1})));
        return name;
    }

    private static String relu(ModelGraph.Builder b, String name, String x) {
        b.node(new Node(name, "Relu", List.of(x), List.of(name), Map.of()));
        return name;
    }

    private static INDArray rows(long seed, int n, long channels) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextDouble(new long[] {n, channels, 12, 12})
                .castTo(DataType.FLOAT);
    }

    /** The QDQ export of {@code g} quantized as the quantize stage does, leaving {@code floatLayers} in float. */
    private static ModelProto quantized(ModelGraph g, Set<String> floatLayers) {
        List<WeightedLayer> layers = WeightedLayers.stored(g).stream()
                .filter(l -> !floatLayers.contains(l.source())).toList();
        QdqPlacement p = QdqPlacement.of(g, layers);
        Map<String, ClipRange> ranges = ActivationCalibration.calibrate(g, rows(5, 64, g.inputs().get(0).shape()[1]),
                p.calibrated(), MinMaxAccumulator::new, 64, 8, false);
        ModelGraph q = StaticQuantization.apply(g, layers, p, ranges, 8, false,
                new StaticQuantization.WeightOptions(8, true, true, false));
        return new OnnxExporter().toProto(q);
    }

    private INDArray run(ModelProto m, String file, INDArray x) throws Exception {
        return QdqFiles.run(dir, m, file, x);
    }

    private static long[] dims(ModelProto m, String initializer) {
        return QdqFiles.dims(m, initializer);
    }

    @Test
    void allInt8PlantedResidualNetWidensToSixteenChannelsWithTheSameOutputs() throws Exception {
        ModelProto qdq = quantized(planted(1, false), Set.of());
        ChannelPadding.Result r = ChannelPadding.pad(qdq);
        assertEquals(List.of("stem: 8 -> 16", "b.conv2: 8 -> 16", "b.conv1: 8 -> 16", "stem: 1 -> 4 input channels"),
                r.widened());
        ModelProto padded = r.model();
        assertEquals(List.of(16L, 4L, 3L, 3L), List.of(box(dims(padded, "stem.weight.quantized"))));
        assertEquals(List.of(16L), List.of(box(dims(padded, "stem.weight.scale"))));
        assertEquals(List.of(16L), List.of(box(dims(padded, "stem.bias.quantized"))));
        assertEquals(List.of(16L, 16L, 3L, 3L), List.of(box(dims(padded, "b.conv1.weight.quantized"))));
        assertEquals(List.of(16L, 16L, 3L, 3L), List.of(box(dims(padded, "b.conv2.weight.quantized"))));
        assertEquals(List.of(16L, 16L, 3L, 3L), List.of(box(dims(padded, "down.weight.quantized"))));
        assertEquals(1, padded.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Pad")).count());

        INDArray x = rows(99, 32, 1);
        INDArray before = run(qdq, "qdq.onnx", x);
        INDArray after = run(padded, "padded.onnx", x);
        assertEquals(0.0, Transforms.abs(before.sub(after)).maxNumber().doubleValue(), "exact: the added channels are 0");

        Path f = dir.resolve("padded.onnx");
        OptimizedGraph o = OptimizedGraph.of(f, 1);
        assertEquals(OptimizedGraph.of(dir.resolve("qdq.onnx"), 1).integerNodes(), o.integerNodes(), o.summary());
        assertEquals(0, o.floatComputeNodes(), o.summary());

        ModelProto ints = IntegerOnlyExport.rewrite(padded, "padded");
        INDArray integer = run(ints, "integer.onnx", x);
        double scale = Transforms.abs(before).maxNumber().doubleValue();
        assertTrue(Transforms.abs(after.sub(integer)).maxNumber().doubleValue() <= 1e-3 * scale);
    }

    @Test
    void aFloatStemInTheGroupWidensInFloatAndTheOutputsStayTheSame() throws Exception {
        ModelProto qdq = quantized(planted(4, false), Set.of("stem.weight"));
        ChannelPadding.Result r = ChannelPadding.pad(qdq);
        assertTrue(r.widened().contains("stem: 8 -> 16"), r.widened().toString());
        assertEquals(List.of(16L, 4L, 3L, 3L), List.of(box(dims(r.model(), "stem.weight"))));
        INDArray x = rows(98, 32, 4);
        INDArray before = run(qdq, "qdq.onnx", x);
        INDArray after = run(r.model(), "padded.onnx", x);
        assertEquals(0.0, Transforms.abs(before.sub(after)).maxNumber().doubleValue());
    }

    @Test
    void aGroupReachingTheGlobalPoolIsLeftAsItIs() {
        ModelProto qdq = quantized(planted(4, true), Set.of());
        ChannelPadding.Result r = ChannelPadding.pad(qdq);
        assertEquals(List.of("b.conv1: 8 -> 16"), r.widened(), "only the block's inner tensor: the stream reaches gap");
        assertEquals(List.of(8L, 4L, 3L, 3L), List.of(box(dims(r.model(), "stem.weight.quantized"))));
        assertEquals(List.of(8L, 16L, 3L, 3L), List.of(box(dims(r.model(), "b.conv2.weight.quantized"))));

        ModelProto floatModel = new OnnxExporter().toProto(planted(4, true));
        assertSame(floatModel, ChannelPadding.pad(floatModel).model(), "no int8 convolution: nothing to gain");
    }

    private static Long[] box(long[] v) {
        return java.util.Arrays.stream(v).boxed().toArray(Long[]::new);
    }
}
