package dev.condense.engine.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxFormatException;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
 * The integer-only rewrite of hand-built QDQ models ({@link ReferenceQdq}): ONNX Runtime's outputs of the integer model
 * against the QDQ model's (within one step of the output's quantization), the ops written, ORT's optimized graph of
 * the result, and the located refusal of a float op between quantized tensors.
 */
class IntegerOnlyExportTest {
    @TempDir
    Path dir;

    private static ModelProto zoo(String id, long seed) {
        return new OnnxExporter().toProto(Zoo.build(id, seed));
    }

    private static INDArray rows(long seed, int n) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, 1, 28, 28);
    }

    private static Map<String, Long> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().collect(Collectors.groupingBy(
                n -> (n.getDomain().isEmpty() ? "" : n.getDomain() + ":") + n.getOpType(), Collectors.counting()));
    }

    private INDArray run(ModelProto m, String file, INDArray x) throws Exception {
        Path f = dir.resolve(file);
        Files.write(f, m.toByteArray());
        try (OrtRunner r = new OrtRunner(f, 1)) {
            return r.run(x);
        }
    }

    private static float outputStep(ModelProto qdq) {
        String out = qdq.getGraph().getOutput(0).getName();
        NodeProto dq = qdq.getGraph().getNodeList().stream().filter(n -> n.getOutput(0).equals(out)).findFirst()
                .orElseThrow();
        TensorProto s = qdq.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(dq.getInput(1)))
                .findFirst().orElseThrow();
        return QTensors.floats(s)[0];
    }

    private void matchesQdq(String zoo, Map<String, Long> expected) throws Exception {
        ModelProto qdq = ReferenceQdq.qdq(zoo(zoo, 3), rows(11, 64), dir);
        ModelProto ints = IntegerOnlyExport.rewrite(qdq, zoo);
        Map<String, Long> ops = ops(ints);
        expected.forEach((op, count) -> assertEquals(count, ops.getOrDefault(op, 0L), op + " in " + ops));
        for (String fl : List.of("Conv", "Gemm", "MatMul", "Relu")) {
            assertFalse(ops.containsKey(fl), "no float " + fl + ": " + ops);
        }

        INDArray x = rows(12, 32);
        INDArray a = run(qdq, "qdq.onnx", x);
        INDArray b = run(ints, "int.onnx", x);
        double diff = Transforms.abs(a.sub(b)).maxNumber().doubleValue();
        assertTrue(diff <= outputStep(qdq) * 1.0001, "max difference " + diff + " > one output step "
                + outputStep(qdq));
        OptimizedGraph og = OptimizedGraph.of(dir.resolve("int.onnx"), 1);
        assertEquals(0, og.floatComputeNodes(), og.summary());
    }

    @Test
    void lenet5BecomesQLinearConvAndQGemm() throws Exception {
        matchesQdq("lenet-5", Map.of("QLinearConv", 2L, "com.microsoft:QGemm", 2L, "MaxPool", 2L, "Flatten", 1L,
                "QuantizeLinear", 1L, "DequantizeLinear", 1L));
    }

    @Test
    void lenet300100IsThreeQGemms() throws Exception {
        matchesQdq("lenet-300-100", Map.of("com.microsoft:QGemm", 3L, "QuantizeLinear", 1L, "DequantizeLinear", 1L));
    }

    /**
     * Logits left in float (as the quantize stage leaves them): the last Gemm's output Q/DQ pair removed, the rewrite
     * writes a QGemm without output scale (integer arithmetic, float32 result) and matches the QDQ model.
     */
    @Test
    void floatLogitsBecomeAQGemmWithAFloatOutput() throws Exception {
        ModelProto qdq = ReferenceQdq.qdq(zoo("lenet-300-100", 3), rows(11, 64), dir);
        var g = qdq.getGraph().toBuilder();
        String out = g.getOutput(0).getName();
        NodeProto dq = g.getNodeList().stream().filter(n -> n.getOutput(0).equals(out)).findFirst().orElseThrow();
        NodeProto q = g.getNodeList().stream().filter(n -> n.getOutput(0).equals(dq.getInput(0))).findFirst()
                .orElseThrow();
        List<NodeProto> kept = new java.util.ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.equals(q) || n.equals(dq)) {
                continue;
            }
            kept.add(n.getOutput(0).equals(q.getInput(0)) ? n.toBuilder().setOutput(0, out).build() : n);
        }
        ModelProto floatLogits = qdq.toBuilder().setGraph(g.clearNode().addAllNode(kept)).build();
        ModelProto ints = IntegerOnlyExport.rewrite(floatLogits, "lenet-300-100");
        Map<String, Long> ops = ops(ints);
        assertEquals(3L, ops.get("com.microsoft:QGemm"), ops.toString());
        assertFalse(ops.containsKey("Gemm") || ops.containsKey("DequantizeLinear"), ops.toString());
        INDArray x = rows(12, 32);
        INDArray a = run(floatLogits, "float-logits.onnx", x);
        INDArray b = run(ints, "int-float-logits.onnx", x);
        double diff = Transforms.abs(a.sub(b)).maxNumber().doubleValue();
        assertTrue(diff <= 1e-3 * a.amaxNumber().doubleValue(), "max difference " + diff);
        assertEquals(0, OptimizedGraph.of(dir.resolve("int-float-logits.onnx"), 1).floatComputeNodes());
    }

    @Test
    void aFloatOpBetweenQuantizedTensorsIsRefusedByName() throws Exception {
        ModelProto f = zoo("lenet-300-100", 3);
        var g = f.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Relu")) {
                g.setNode(i, g.getNode(i).toBuilder().setOpType("Sigmoid"));
                break;
            }
        }
        ModelProto qdq = ReferenceQdq.qdq(f.toBuilder().setGraph(g).build(), rows(11, 16), dir);
        var e = assertThrows(OnnxFormatException.class, () -> IntegerOnlyExport.rewrite(qdq, "m.onnx"));
        assertTrue(e.getMessage().startsWith("m.onnx: integer-only export: node '"), e.getMessage());
        assertTrue(e.getMessage().contains("(Sigmoid) would compute in float"), e.getMessage());
    }

    @Test
    void aFloatModelHasNothingToRewrite() {
        var e = assertThrows(OnnxFormatException.class,
                () -> IntegerOnlyExport.rewrite(zoo("lenet-300-100", 3), "f.onnx"));
        assertTrue(e.getMessage().contains("would compute in float") || e.getMessage().contains("no quantized layer"),
                e.getMessage());
    }

    private static NodeProto node(String op, List<String> in, String out) {
        return NodeProto.newBuilder().setName(out + ".node").setOpType(op).addAllInput(in).addOutput(out).build();
    }

    /**
     * A Relu between two QDQ pairs of one grid with zero point 0 (the quantize stage's form when the Relu's input has
     * another reader) changes no code: the rewrite leaves it out rather than writing a {@code Clip(q, 0)}, which
     * also kept ONNX Runtime from running the MaxPool after it in NHWC.
     */
    @Test
    void aReluOnAGridWithZeroPointAtTheLowestCodeBecomesNothing() throws Exception {
        var g = onnx.Onnx.GraphProto.newBuilder().setName("relu-grid")
                .addInitializer(TensorProto.newBuilder().setName("s").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData(0.05f))
                .addInitializer(QTensors.bytes("z", new long[0], TensorProto.DataType.UINT8_VALUE, new int[] {0}))
                .addNode(node("QuantizeLinear", List.of("x", "s", "z"), "xq"))
                .addNode(node("DequantizeLinear", List.of("xq", "s", "z"), "xd"))
                .addNode(node("Relu", List.of("xd"), "r"))
                .addNode(node("QuantizeLinear", List.of("r", "s", "z"), "rq"))
                .addNode(node("DequantizeLinear", List.of("rq", "s", "z"), "rd"))
                .addNode(node("MaxPool", List.of("rd"), "p").toBuilder().addAttribute(onnx.Onnx.AttributeProto
                        .newBuilder().setName("kernel_shape").setType(onnx.Onnx.AttributeProto.AttributeType.INTS)
                        .addInts(2).addInts(2)).build())
                .addNode(node("QuantizeLinear", List.of("p", "s", "z"), "pq"))
                .addNode(node("DequantizeLinear", List.of("pq", "s", "z"), "pd"))
                .addInitializer(QTensors.bytes("w", new long[] {2, 1, 1, 1}, TensorProto.DataType.INT8_VALUE,
                        new int[] {1, -1}))
                .addInitializer(QTensors.bytes("wz", new long[0], TensorProto.DataType.INT8_VALUE, new int[] {0}))
                .addInitializer(QTensors.bytes("z2", new long[0], TensorProto.DataType.UINT8_VALUE, new int[] {128}))
                .addInitializer(TensorProto.newBuilder().setName("ws").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData(0.5f))
                .addNode(node("DequantizeLinear", List.of("w", "ws", "wz"), "wd"))
                .addNode(node("Conv", List.of("pd", "wd"), "c"))
                .addNode(node("QuantizeLinear", List.of("c", "s", "z2"), "cq"))
                .addNode(node("DequantizeLinear", List.of("cq", "s", "z2"), "y"));
        var shape = onnx.Onnx.TypeProto.newBuilder().setTensorType(onnx.Onnx.TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE));
        g.addInput(onnx.Onnx.ValueInfoProto.newBuilder().setName("x").setType(shape));
        g.addOutput(onnx.Onnx.ValueInfoProto.newBuilder().setName("y").setType(shape));
        ModelProto qdq = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(onnx.Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
        ModelProto ints = IntegerOnlyExport.rewrite(qdq, "relu-grid");
        Map<String, Long> ops = ops(ints);
        assertEquals(Map.of("QuantizeLinear", 1L, "MaxPool", 1L, "QLinearConv", 1L, "DequantizeLinear", 1L), ops);
        INDArray x = rows(4, 8).sub(0.5);
        INDArray a = run(qdq, "relu-qdq.onnx", x);
        INDArray b = run(ints, "relu-int.onnx", x);
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-7);
        assertTrue(a.sum(1).amaxNumber().doubleValue() == 0.0, "the two channels are +-(the clamped, pooled input)");
        assertTrue(a.amaxNumber().doubleValue() > 0);
    }
}
