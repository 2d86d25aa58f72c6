package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.fixtures.QuantizedFixtures;
import dev.condense.engine.fixtures.QuantizedWeights;
import dev.condense.engine.fixtures.TinyMlp;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Export of annotated weights and of non-float initializers: each form's tensors and nodes, and ONNX Runtime running
 * it with the same output as the float graph holding the same (dequantized) values, and within the quantization
 * error of the original float weights.
 */
class OnnxExporterQuantizedTest {

    @TempDir
    Path dir;

    private final OnnxExporter exporter = new OnnxExporter();

    private INDArray runOrt(ModelGraph g, INDArray x, String file) {
        Path p = dir.resolve(file);
        exporter.write(g, p);
        try (OrtRunner r = new OrtRunner(p, 1)) {
            return r.run(x);
        }
    }

    private static Map<String, TensorProto> initializers(ModelProto m) {
        Map<String, TensorProto> out = new TreeMap<>();
        m.getGraph().getInitializerList().forEach(t -> out.put(t.getName(), t));
        return out;
    }

    private static List<String> opTypes(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    @Test
    void integerAndHalfInitializersKeepTheirElementType() throws Exception {
        ModelGraph g = ModelGraph.builder("types")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .initializer("i8", Nd4j.createFromArray((byte) -128, (byte) 0, (byte) 127))
                .initializer("u8", Nd4j.createFromArray(0, 200, 255).castTo(DataType.UINT8))
                .initializer("i32", Nd4j.createFromArray(-70_000, 1, 70_000))
                .initializer("f16", Nd4j.createFromArray(1f, -2.5f, 65504f).castTo(DataType.FLOAT16))
                .initializer("i64", Nd4j.createFromArray(1L, 3L))
                .node(new Node("cast", "Cast", List.of("f16"), List.of("wide"), Map.of("to", 1L)))
                .node(new Node("add", "Add", List.of("x", "wide"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .build();
        ModelProto m = exporter.toProto(g);
        Map<String, TensorProto> t = initializers(m);
        assertEquals(TensorProto.DataType.INT8_VALUE, t.get("i8").getDataType());
        assertArrayEquals(new byte[] {-128, 0, 127}, t.get("i8").getRawData().toByteArray());
        assertEquals(TensorProto.DataType.UINT8_VALUE, t.get("u8").getDataType());
        assertArrayEquals(new byte[] {0, (byte) 200, (byte) 255}, t.get("u8").getRawData().toByteArray());
        assertEquals(TensorProto.DataType.INT32_VALUE, t.get("i32").getDataType());
        assertEquals(12, t.get("i32").getRawData().size());
        assertEquals(TensorProto.DataType.FLOAT16_VALUE, t.get("f16").getDataType());
        // binary16 little-endian: 1.0 = 0x3c00, -2.5 = 0xc100, 65504 = 0x7bff
        assertArrayEquals(new byte[] {0x00, 0x3c, 0x00, (byte) 0xc1, (byte) 0xff, 0x7b},
                t.get("f16").getRawData().toByteArray());
        assertEquals(TensorProto.DataType.INT64_VALUE, t.get("i64").getDataType());
        assertEquals(DataType.INT8, OnnxTensors.integers(t.get("i8"), "i8").dataType());
        assertArrayEquals(new long[] {-128, 0, 127},
                OnnxTensors.integers(t.get("i8"), "i8").castTo(DataType.INT64).toLongVector());
        assertArrayEquals(new long[] {0, 200, 255},
                OnnxTensors.integers(t.get("u8"), "u8").castTo(DataType.INT64).toLongVector());
        assertArrayEquals(new long[] {-70_000, 1, 70_000},
                OnnxTensors.integers(t.get("i32"), "i32").castTo(DataType.INT64).toLongVector());
        INDArray y = runOrt(g, Nd4j.zeros(DataType.FLOAT, 2, 3), "types.onnx");
        assertArrayEquals(new float[] {1f, -2.5f, 65504f}, y.getRow(1).toFloatVector(), "ORT reads the FLOAT16 tensor");
    }

    /** The planted IR graph with an int8 weight behind a DequantizeLinear used to export it as INT64. */
    @Test
    void anInt8WeightBehindADequantizeLinearRunsInOrt() {
        ModelGraph g = QuantizedFixtures.planted();
        assertEquals(TensorProto.DataType.INT8_VALUE, initializers(exporter.toProto(g)).get("q.wq").getDataType());
        INDArray y = runOrt(g, Nd4j.ones(DataType.FLOAT, 1, 2, 4, 4), "planted.onnx");
        assertArrayEquals(new long[] {1, 2}, y.shape());
    }

    @Test
    void affineWeightsBecomeIntegersWithDequantizeLinearAndRunAsTheFloatGraph() {
        TinyMlp mlp = new TinyMlp(7);
        ModelGraph g = mlp.graph;
        g = QuantizedWeights.quantize(g, "fc1.weight", QuantizedWeights.symmetric(mlp.w1, 0, 8));
        g = QuantizedWeights.quantize(g, "fc2.weight", QuantizedWeights.asymmetric(mlp.w2));
        g = QuantizedWeights.quantize(g, "fc1.bias", AffineQuantization.perTensor(1e-3f, 0, 32, true));
        ModelProto m = exporter.toProto(g);
        Map<String, TensorProto> t = initializers(m);
        assertFalse(t.containsKey("fc1.weight") || t.containsKey("fc2.weight") || t.containsKey("fc1.bias"));
        assertEquals(TensorProto.DataType.INT8_VALUE, t.get("fc1.weight.quantized").getDataType());
        assertEquals(8 * 16, t.get("fc1.weight.quantized").getRawData().size());
        assertEquals(List.of(8L), t.get("fc1.weight.scale").getDimsList());
        assertEquals(TensorProto.DataType.INT8_VALUE, t.get("fc1.weight.zero_point").getDataType());
        assertEquals(TensorProto.DataType.UINT8_VALUE, t.get("fc2.weight.quantized").getDataType());
        assertEquals(0, t.get("fc2.weight.scale").getDimsCount(), "per tensor: a scalar scale");
        assertEquals(TensorProto.DataType.UINT8_VALUE, t.get("fc2.weight.zero_point").getDataType());
        assertEquals(TensorProto.DataType.INT32_VALUE, t.get("fc1.bias.quantized").getDataType());
        assertFalse(t.containsKey("fc1.bias.zero_point"), "an int32 zero point is 0 and omitted");
        NodeProto dq = m.getGraph().getNode(0);
        assertEquals("DequantizeLinear", dq.getOpType());
        assertEquals(List.of("fc1.weight.quantized", "fc1.weight.scale", "fc1.weight.zero_point"), dq.getInputList());
        assertEquals(List.of("fc1.weight"), dq.getOutputList());
        assertEquals(0, dq.getAttribute(0).getI(), "per-channel axis");
        assertEquals(List.of("DequantizeLinear", "DequantizeLinear", "DequantizeLinear", "Flatten"),
                opTypes(m).subList(0, 4));

        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 1, 4, 4);
        INDArray quantized = runOrt(g, x, "q.onnx");
        ModelGraph sameFloats = g.toBuilder().removeAnnotation("fc1.weight", AffineQuantization.class)
                .removeAnnotation("fc2.weight", AffineQuantization.class)
                .removeAnnotation("fc1.bias", AffineQuantization.class).build();
        assertTrue(sameFloats.annotations().isEmpty());
        INDArray floats = runOrt(sameFloats, x, "f.onnx");
        assertTrue(Transforms.abs(quantized.sub(floats)).maxNumber().doubleValue() < 1e-5,
                "ORT's dequantized weights are the IR's float values");
        INDArray original = runOrt(mlp.graph, x, "o.onnx");
        double err = Transforms.abs(quantized.sub(original)).maxNumber().doubleValue();
        double range = original.maxNumber().doubleValue() - original.minNumber().doubleValue();
        assertTrue(err > 0 && err < 0.02 * range, "8-bit error " + err + " against output range " + range);
    }

    @Test
    void perChannelConvAndMatMulWeightsRunInOrt() {
        ModelGraph f = QuantizedWeights.convNet(11);
        ModelGraph g = QuantizedWeights.quantize(f, "conv.w",
                QuantizedWeights.symmetric(f.initializers().get("conv.w"), 0, 4));
        g = QuantizedWeights.quantize(g, "fc.w", QuantizedWeights.symmetric(g.initializers().get("fc.w"), 1, 8));
        ModelProto m = exporter.toProto(g);
        assertEquals(List.of(4L), initializers(m).get("conv.w.scale").getDimsList());
        assertEquals(List.of(3L), initializers(m).get("fc.w.scale").getDimsList());
        assertEquals(1, m.getGraph().getNode(1).getAttribute(0).getI());
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 2, 5, 5);
        INDArray q = runOrt(g, x, "q.onnx");
        INDArray same = runOrt(strip(g), x, "s.onnx");
        assertTrue(Transforms.abs(q.sub(same)).maxNumber().doubleValue() < 1e-5);
        INDArray original = runOrt(f, x, "o.onnx");
        double err = Transforms.abs(q.sub(original)).maxNumber().doubleValue();
        double range = original.maxNumber().doubleValue() - original.minNumber().doubleValue();
        assertTrue(err > 0 && err < 0.15 * range, "4-bit conv error " + err + " against output range " + range);
    }

    @Test
    void codebookWeightsAreUint8IndicesGatheredFromCentroidsAndOrtFoldsTheGather() throws Exception {
        ModelGraph f = QuantizedWeights.convNet(12);
        INDArray w = f.initializers().get("fc.w");
        INDArray centroids = Nd4j.arange(16).mul(0.08).sub(0.6).castTo(DataType.FLOAT);
        // nearest centroid of each weight (16 evenly spaced centroids, step 0.08): clamp(round((w + 0.6) / 0.08))
        INDArray idx = Transforms.min(Transforms.max(Transforms.round(w.add(0.6).div(0.08)), 0), 15)
                .castTo(DataType.INT32);
        Codebook book = new Codebook(centroids, idx);
        ModelGraph g = f.toBuilder().initializer("fc.w", book.weights()).annotate("fc.w", book).build();
        ModelProto m = exporter.toProto(g);
        Map<String, TensorProto> t = initializers(m);
        assertEquals(TensorProto.DataType.UINT8_VALUE, t.get("fc.w.indices").getDataType());
        assertEquals(36 * 3, t.get("fc.w.indices").getRawData().size());
        assertEquals(16, t.get("fc.w.codebook").getDims(0));
        assertEquals(List.of("Cast", "Gather", "Conv"), opTypes(m).subList(0, 3));
        Path file = dir.resolve("codebook.onnx");
        exporter.write(g, file);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 2, 5, 5);
        INDArray coded;
        try (OrtRunner r = new OrtRunner(file, 1)) {
            coded = r.run(x);
        }
        INDArray floats = runOrt(g.toBuilder().removeAnnotation("fc.w", Codebook.class).build(), x, "f.onnx");
        assertTrue(Transforms.abs(coded.sub(floats)).maxNumber().doubleValue() < 1e-5);
        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(file.toString(), o).close();
        }
        List<String> ops = opTypes(ModelProto.parseFrom(Files.readAllBytes(optimized)));
        assertFalse(ops.contains("Gather") || ops.contains("Cast"), "ORT folds the constant lookup: " + ops);
    }

    @Test
    void generatedNamesAvoidTheGraphsOwn() {
        ModelGraph f = QuantizedWeights.convNet(13);
        ModelGraph clash = f.toBuilder().initializer("fc.w.scale", Nd4j.scalar(1f)).build();
        ModelGraph g = QuantizedWeights.quantize(clash, "fc.w",
                QuantizedWeights.symmetric(clash.initializers().get("fc.w"), 1, 8));
        Map<String, TensorProto> t = initializers(exporter.toProto(g));
        assertTrue(t.containsKey("fc.w.scale") && t.containsKey("fc.w.scale_1"), t.keySet().toString());
        assertEquals(0, t.get("fc.w.scale").getDimsCount(), "the graph's own tensor is untouched");
    }

    @Test
    void masksAloneChangeNoByte() {
        TinyMlp mlp = new TinyMlp(7);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 8, 16);
        mask.putScalar(0, 0, 0f);
        INDArray w = mlp.w1.mul(mask);
        ModelGraph plain = mlp.graph.toBuilder().initializer("fc1.weight", w).build();
        ModelGraph masked = plain.toBuilder().mask("fc1.weight", mask).build();
        assertArrayEquals(exporter.toBytes(plain), exporter.toBytes(masked));
    }

    private static ModelGraph strip(ModelGraph g) {
        ModelGraph.Builder b = g.toBuilder();
        g.annotations().keySet().forEach(k -> b.removeAnnotation(k, AffineQuantization.class));
        return b.build();
    }
}
