package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.fixtures.QuantizedWeights;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.train.Inference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import onnx.Onnx.AttributeProto;
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
 * Import of quantized models, on the fixtures made by {@code models/quantized_models.py}: weight-only
 * DequantizeLinear folds into float weights with their {@link AffineQuantization} and exports back to the same
 * tensors; a model quantized otherwise is refused naming its quantized ops and nodes.
 */
class OnnxImporterQuantizedTest {

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(OnnxImporterQuantizedTest.class.getResource("/models/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelProto proto(Path p) throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(p));
    }

    private static INDArray input(long seed, int n, long... dims) {
        long[] shape = new long[dims.length + 1];
        shape[0] = n;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        return Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), shape).castTo(DataType.FLOAT);
    }

    @Test
    void weightOnlyDequantizeLinearBecomesFloatWeightsWithTheirQuantization() {
        ModelGraph g = new OnnxImporter().read(fixture("quantized_mlp.onnx"));
        assertEquals(List.of("Flatten", "Gemm", "Relu", "MatMul", "Add"),
                g.nodes().stream().map(Node::opType).toList());
        assertEquals(List.of("fc2.bias", "fc1.weight", "fc1.bias", "fc2.weight"), List.copyOf(g.initializers().keySet()));
        g.initializers().values().forEach(v -> assertEquals(DataType.FLOAT, v.dataType()));
        AffineQuantization w1 = g.annotation("fc1.weight", AffineQuantization.class).orElseThrow();
        assertEquals(0, w1.axis());
        assertEquals(8, w1.bits());
        assertTrue(w1.signed());
        assertEquals(8, w1.scale().length());
        AffineQuantization b1 = g.annotation("fc1.bias", AffineQuantization.class).orElseThrow();
        assertEquals(32, b1.bits());
        assertTrue(b1.perTensor());
        AffineQuantization w2 = g.annotation("fc2.weight", AffineQuantization.class).orElseThrow();
        assertFalse(w2.signed());
        assertEquals(128, w2.zeroPoint().getLong(0));
        assertTrue(g.annotation("fc2.bias", AffineQuantization.class).isEmpty());
        List<WeightedLayer> layers = WeightedLayers.of(g);
        assertEquals(List.of("fc1.weight", "fc2.weight"), layers.stream().map(WeightedLayer::source).toList());
        assertEquals(List.of(), WeightedLayers.stored(g), "quantized weights are left alone by weight-changing finders");
    }

    /** Import then export: every DequantizeLinear comes back with the same integers, scales, zero points and axis. */
    @Test
    void exportWritesTheSameQuantizedTensorsBack() throws Exception {
        Path out = dir.resolve("again.onnx");
        new OnnxExporter().write(new OnnxImporter().read(fixture("quantized_mlp.onnx")), out);
        ModelProto before = proto(fixture("quantized_mlp.onnx"));
        ModelProto after = proto(out);
        Map<String, NodeProto> dqAfter = after.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("DequantizeLinear"))
                .collect(Collectors.toMap(n -> n.getOutput(0), n -> n));
        Map<String, TensorProto> initBefore = initializers(before);
        Map<String, TensorProto> initAfter = initializers(after);
        int compared = 0;
        for (NodeProto dq : before.getGraph().getNodeList()) {
            if (!dq.getOpType().equals("DequantizeLinear")) {
                continue;
            }
            NodeProto back = dqAfter.get(dq.getOutput(0));
            assertEquals(dq.getInputCount(), back.getInputCount(), dq.getName());
            for (int i = 0; i < dq.getInputCount(); i++) {
                TensorProto a = initBefore.get(dq.getInput(i));
                TensorProto b = initAfter.get(back.getInput(i));
                assertEquals(a.getDataType(), b.getDataType(), dq.getName() + " input " + i);
                assertEquals(a.getDimsList(), b.getDimsList(), dq.getName() + " input " + i);
                assertArrayEquals(a.getRawData().toByteArray(), b.getRawData().toByteArray(), dq.getName() + " input " + i);
                compared++;
            }
            assertEquals(dq.getAttributeList().stream().map(AttributeProto::getI).toList(),
                    back.getAttributeList().stream().map(AttributeProto::getI).toList(), dq.getName());
        }
        assertEquals(8, compared);
        assertEquals(3, dqAfter.size());
        assertEquals(before.getGraph().getInitializerCount(), after.getGraph().getInitializerCount());
        INDArray x = input(3, 16, 1, 4, 4);
        try (OrtRunner a = new OrtRunner(fixture("quantized_mlp.onnx"), 1); OrtRunner b = new OrtRunner(out, 1)) {
            assertEquals(a.run(x), b.run(x));
            assertTrue(Transforms.abs(a.run(x).sub(b.run(x))).maxNumber().doubleValue() == 0, "bit-identical outputs");
        }
    }

    @Test
    void sameDiffRunsTheDequantizedWeightsAsOrtRunsTheFile() {
        ModelGraph g = new OnnxImporter().read(fixture("quantized_mlp.onnx"));
        INDArray x = input(4, 8, 1, 4, 4);
        try (OrtRunner ort = new OrtRunner(fixture("quantized_mlp.onnx"), 1)) {
            INDArray expected = ort.run(x);
            assertTrue(expected.amaxNumber().doubleValue() > 0.01);
            assertTrue(Transforms.abs(expected.sub(Inference.predict(g, x))).maxNumber().doubleValue() < 1e-4);
        }
    }

    @Test
    void aFullyQuantizedModelIsRefusedNamingItsQuantizedOpsAndNodes() {
        Path file = fixture("qlinear_conv.onnx");
        try (OrtRunner ort = new OrtRunner(file, 1)) {
            assertArrayEquals(new long[] {2, 2, 3, 3}, ort.run(input(5, 2, 1, 5, 5)).shape(), "a model ORT runs");
        }
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(file));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file + ": already quantized: 3 ops ("), msg);
        assertTrue(msg.contains("QLinearConv x1 at node 'conv'") && msg.contains("QuantizeLinear x1 at node 'quantize_x'")
                && msg.contains("DequantizeLinear x1 at node 'dequantize_y'"), msg);
        assertTrue(msg.contains(UnsupportedContent.QUANTIZED_HINT), msg);
        assertTrue(msg.contains("tensor types (") && msg.contains("INT8 x") && msg.contains("UINT8 x"), msg);
        assertFalse(msg.contains("\n"), "one line");
    }

    @Test
    void quantizedOpsAreRecognizedInEveryDomain() {
        for (String op : List.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv",
                "QLinearMatMul", "ConvInteger", "MatMulInteger", "QGemm", "QLinearAdd", "DynamicQuantizeMatMul",
                "MatMulIntegerToFloat", "QAttention")) {
            assertTrue(QuantizedOps.is(op), op);
        }
        for (String op : List.of("Conv", "Gemm", "Gather", "Einsum", "NonMaxSuppression", "Quantile")) {
            assertFalse(QuantizedOps.is(op), op);
        }
    }

    private Path variant(String name, UnaryOperator<ModelProto.Builder> edit) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, edit.apply(proto(fixture("quantized_mlp.onnx")).toBuilder()).build().toByteArray());
        return p;
    }

    private static int initializerIndex(ModelProto.Builder m, String name) {
        for (int i = 0; i < m.getGraph().getInitializerCount(); i++) {
            if (m.getGraph().getInitializer(i).getName().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void malformedWeightDequantizationIsALocatedError() throws Exception {
        Path fewScales = variant("few.onnx", m -> {
            int i = initializerIndex(m, "fc1.weight_scale");
            m.getGraphBuilder().setInitializer(i, OnnxTensors.toProto("fc1.weight_scale", Nd4j.ones(DataType.FLOAT, 4)));
            return m;
        });
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(fewScales));
        assertTrue(e.getMessage().contains("node 'fc1.weight_dq' (DequantizeLinear): zero point of shape [8] but scale "
                + "of shape [4]"), e.getMessage());
        Path fewChannels = variant("channels.onnx", m -> {
            m.getGraphBuilder().setInitializer(initializerIndex(m, "fc1.weight_scale"),
                    OnnxTensors.toProto("fc1.weight_scale", Nd4j.ones(DataType.FLOAT, 4)));
            m.getGraphBuilder().setInitializer(initializerIndex(m, "fc1.weight_zp"),
                    OnnxTensors.toProto("fc1.weight_zp", Nd4j.zeros(DataType.INT8, 4)));
            return m;
        });
        e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(fewChannels));
        assertTrue(e.getMessage().contains("node 'fc1.weight_dq' (DequantizeLinear): a 1-D scale of 4"), e.getMessage());
        Path zeroScale = variant("zero.onnx", m -> {
            int i = initializerIndex(m, "fc2.weight_scale");
            m.getGraphBuilder().setInitializer(i, OnnxTensors.toProto("fc2.weight_scale", Nd4j.scalar(0f)));
            return m;
        });
        e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(zeroScale));
        assertTrue(e.getMessage().contains("node 'fc2.weight_dq'") && e.getMessage().contains("> 0"), e.getMessage());
        Path opset12 = variant("opset12.onnx", m -> {
            m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(12));
            return m;
        });
        e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(opset12));
        assertTrue(e.getMessage().contains("node 'fc1.weight_dq'") && e.getMessage().contains("'axis'"), e.getMessage());
        Path int32Zp = variant("zp.onnx", m -> {
            m.getGraphBuilder().addInitializer(OnnxTensors.toProto("b.zp", Nd4j.scalar(DataType.INT32, 3)));
            for (int i = 0; i < m.getGraph().getNodeCount(); i++) {
                if (m.getGraph().getNode(i).getName().equals("fc1.bias_dq")) {
                    m.getGraphBuilder().setNode(i, m.getGraph().getNode(i).toBuilder().addInput("b.zp"));
                }
            }
            return m;
        });
        e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(int32Zp));
        assertTrue(e.getMessage().contains("node 'fc1.bias_dq'") && e.getMessage().contains("0 for 32 bits"),
                e.getMessage());
    }

    /** An int8 tensor also read by a node other than DequantizeLinear is not a stored weight: refused as a type. */
    @Test
    void anIntegerTensorReadElsewhereIsNotFolded() throws Exception {
        Path shared = variant("shared.onnx", m -> {
            m.getGraphBuilder().addNode(NodeProto.newBuilder().setName("peek").setOpType("Identity")
                    .addInput("fc2.weight_q").addOutput("peeked"));
            return m;
        });
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(shared));
        assertTrue(e.getMessage().contains("already quantized: 1 op (DequantizeLinear x1 at node 'fc2.weight_dq')")
                && e.getMessage().contains("UINT8 x"), e.getMessage());
    }

    /**
     * A graph with per-channel int4 conv weights, a uint8 per-tensor weight and a 16-centroid codebook: exported,
     * read back (same nodes, float values and annotations) and exported again, byte for byte the same file.
     */
    @Test
    void exportThenImportIsAFixedPointForEveryAnnotatedForm() throws Exception {
        ModelGraph f = QuantizedWeights.convNet(21);
        ModelGraph g = QuantizedWeights.quantize(f, "conv.w",
                QuantizedWeights.symmetric(f.initializers().get("conv.w"), 0, 4));
        g = QuantizedWeights.quantize(g, "conv.b", QuantizedWeights.asymmetric(g.initializers().get("conv.b")));
        INDArray w = g.initializers().get("fc.w");
        INDArray idx = Transforms.min(Transforms.max(Transforms.round(w.add(0.6).div(0.08)), 0), 15).castTo(DataType.INT32);
        Codebook book = new Codebook(Nd4j.arange(16).mul(0.08).sub(0.6).castTo(DataType.FLOAT), idx);
        g = g.toBuilder().initializer("fc.w", book.weights()).annotate("fc.w", book).build();
        Path first = dir.resolve("first.onnx");
        new OnnxExporter().write(g, first);
        ModelGraph back = new OnnxImporter().read(first);
        assertEquals(g.nodes(), back.nodes());
        assertEquals(g.initializers().keySet(), back.initializers().keySet());
        for (String t : g.initializers().keySet()) {
            assertEquals(0, Transforms.abs(g.initializers().get(t).sub(back.initializers().get(t))).maxNumber().doubleValue(), t);
        }
        assertEquals(g.annotations(), back.annotations());
        assertArrayEquals(Files.readAllBytes(first), new OnnxExporter().toBytes(back));
    }

    @Test
    void aCodebookIndexOutOfRangeIsALocatedError() throws Exception {
        ModelGraph f = QuantizedWeights.convNet(22);
        Codebook book = new Codebook(Nd4j.createFromArray(0f, 0.5f), Nd4j.zeros(DataType.INT32, 36, 3));
        ModelProto.Builder m = new OnnxExporter().toProto(f.toBuilder().initializer("fc.w", book.weights())
                .annotate("fc.w", book).build()).toBuilder();
        int i = initializerIndex(m, "fc.w.indices");
        m.getGraphBuilder().setInitializer(i, OnnxTensors.toProto("fc.w.indices",
                Nd4j.valueArrayOf(new long[] {36, 3}, 7, DataType.UINT8)));
        Path p = Files.write(dir.resolve("range.onnx"), m.build().toByteArray());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(p));
        assertTrue(e.getMessage().contains("node 'fc.w.gather' (Gather)") && e.getMessage().contains("[0, 2)"),
                e.getMessage());
    }

    private static Map<String, TensorProto> initializers(ModelProto m) {
        return m.getGraph().getInitializerList().stream().collect(Collectors.toMap(TensorProto::getName, t -> t));
    }
}
