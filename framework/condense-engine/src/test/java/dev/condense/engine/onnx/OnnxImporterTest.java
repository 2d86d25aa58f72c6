package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.fixtures.TinyMlp;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OnnxImporterTest {

    @TempDir
    Path dir;

    private final OnnxExporter exporter = new OnnxExporter();
    private final OnnxImporter importer = new OnnxImporter();

    @Test
    void roundTripKeepsGraphWeightsAndOutputs() {
        ModelGraph original = new TinyMlp(7).graph;
        Path first = dir.resolve("first.onnx");
        exporter.write(original, first);
        ModelGraph imported = importer.read(first);
        Path second = dir.resolve("second.onnx");
        exporter.write(imported, second);

        assertEquals(original.inputs(), imported.inputs());
        assertEquals(original.outputs(), imported.outputs());
        assertEquals(original.initializers().keySet(), imported.initializers().keySet());
        original.initializers().forEach((name, w) -> assertExactlyEqual(w, imported.initializers().get(name), name));
        assertEquals(1L, imported.producer("logits").orElseThrow().intAttr("transB", 0));
        assertArrayEquals(exporter.toBytes(original), exporter.toBytes(imported), "export(import(f)) == f");

        INDArray x = TinyMlp.input(3, 5);
        try (OrtRunner a = new OrtRunner(first); OrtRunner b = new OrtRunner(second)) {
            assertExactlyEqual(a.run(x), b.run(x), "logits");
        }
    }

    @Test
    void int64InitializersRoundTrip() {
        INDArray shape = Nd4j.create(new long[] {-1, 16, 3_000_000_000L}, new long[] {3}, DataType.INT64);
        ModelGraph g = ModelGraph.builder("ints")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                .initializer("shape", shape)
                .node(new Node("id", "Identity", List.of("x"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                .build();
        Path file = dir.resolve("ints.onnx");
        exporter.write(g, file);
        INDArray back = importer.read(file).initializers().get("shape");
        assertEquals(DataType.INT64, back.dataType());
        assertArrayEquals(shape.toLongVector(), back.toLongVector());
    }

    @Test
    void constantNodeWeightBecomesInitializer() throws Exception {
        float[] w = {1, 2, 3, 4, 5, 6};
        TensorProto.Builder value = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(3).addDims(2);
        for (float f : w) {
            value.addFloatData(f);
        }
        ModelProto.Builder m = exporter.toProto(identityGraph()).toBuilder();
        m.getGraphBuilder().clearNode()
                .addNode(NodeProto.newBuilder().setName("w_const").setOpType("Constant").addOutput("W")
                        .addAttribute(AttributeProto.newBuilder().setName("value")
                                .setType(AttributeProto.AttributeType.TENSOR).setT(value)))
                .addNode(NodeProto.newBuilder().setName("mm").setOpType("MatMul").addInput("x").addInput("W").addOutput("y"));
        Path file = Files.write(dir.resolve("const.onnx"), m.build().toByteArray());

        ModelGraph g = importer.read(file);
        assertEquals(List.of("MatMul"), g.nodes().stream().map(Node::opType).toList());
        INDArray weight = g.initializer("W").orElseThrow();
        assertArrayEquals(new long[] {3, 2}, weight.shape());
        assertArrayEquals(w, weight.dup('c').data().asFloat());

        INDArray x = Nd4j.create(new float[] {1, 0, -1, 0.5f, 2, 0}, new long[] {2, 3}, DataType.FLOAT);
        Path reexported = dir.resolve("const-as-init.onnx");
        exporter.write(g, reexported);
        try (OrtRunner r = new OrtRunner(reexported)) {
            assertTrue(x.mmul(weight).equalsWithEps(r.run(x), 1e-6));
        }
    }

    @Test
    void softmaxFromOpset11GetsItsOldDefaultAxis() throws Exception {
        ModelProto.Builder m = exporter.toProto(identityGraph()).toBuilder();
        m.getOpsetImportBuilder(0).setVersion(11);
        m.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(1).setDimValue(3); // Softmax keeps the input's shape [N, 3]
        m.getGraphBuilder().clearNode()
                .addNode(NodeProto.newBuilder().setName("sm").setOpType("Softmax").addInput("x").addOutput("y"));
        Path file = Files.write(dir.resolve("softmax11.onnx"), m.build().toByteArray());
        assertEquals(1L, importer.read(file).nodes().get(0).intAttr("axis", -1));
    }

    @Test
    void unsupportedOpNamesOpNodeAndSupportedSet() {
        ModelGraph g = ModelGraph.builder("lstm")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 1, 4, 4}))
                .initializer("w", Nd4j.ones(DataType.FLOAT, 2, 1, 3, 3))
                .node(new Node("lstm1", "LSTM", List.of("x", "w"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 2, 2}))
                .build();
        Path file = dir.resolve("lstm.onnx");
        exporter.write(g, file);
        String msg = assertThrows(OnnxFormatException.class, () -> importer.read(file)).getMessage();
        assertTrue(msg.contains("unsupported: 1 op (LSTM x1 at node 'lstm1')"), msg);
        assertTrue(msg.contains(SupportedOps.describe()) && msg.contains("AveragePool, BatchNormalization"), msg);
    }

    /** A graph {@code x [-1, 3] -> y [-1, 3]} to replace the nodes of. */
    private ModelProto.Builder threeWide(long opset) {
        ModelGraph g = ModelGraph.builder("three")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .node(new Node("id", "Identity", List.of("x"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .build();
        ModelProto.Builder m = exporter.toProto(g).toBuilder();
        m.getOpsetImportBuilder(0).setVersion(opset);
        m.getGraphBuilder().clearNode();
        return m;
    }

    private static NodeProto.Builder constant(String out, TensorProto.Builder value) {
        return NodeProto.newBuilder().setName(out).setOpType("Constant").addOutput(out).addAttribute(AttributeProto
                .newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(value));
    }

    private static TensorProto.Builder int64s(long[] dims, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE);
        Arrays.stream(dims).forEach(t::addDims);
        Arrays.stream(values).forEach(t::addInt64Data);
        return t;
    }

    /** Runs {@code file} in ONNX Runtime and the imported graph in SameDiff on the same seeded input. */
    private void assertImportMatchesOrt(Path file, ModelGraph g) {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(4), new long[] {5, 3}).castTo(DataType.FLOAT).muli(4);
        try (OrtRunner r = new OrtRunner(file)) {
            INDArray expected = r.run(x);
            INDArray actual = dev.condense.engine.train.Inference.predict(g, x);
            assertTrue(expected.equalsWithEps(actual, 1e-6), "ORT " + expected + " vs SameDiff " + actual);
        }
    }

    @Test
    void hardSwishOfOpset14BecomesHardSigmoidTimesInputAndMatchesOnnxRuntime() throws Exception {
        ModelProto.Builder m = threeWide(14);
        m.getGraphBuilder().addNode(NodeProto.newBuilder().setName("hs").setOpType("HardSwish").addInput("x").addOutput("y"));
        Path file = Files.write(dir.resolve("hardswish.onnx"), m.build().toByteArray());
        ModelGraph g = importer.read(file);
        assertEquals(List.of("HardSigmoid", "Mul"), g.nodes().stream().map(Node::opType).toList());
        assertEquals("y", g.nodes().get(1).output());
        assertImportMatchesOrt(file, g);
    }

    /** An ensemble's variadic Sum (three members, one broadcast row) becomes two Adds and matches ONNX Runtime. */
    @Test
    void sumOfThreeInputsBecomesTwoAddsAndMatchesOnnxRuntime() throws Exception {
        ModelProto.Builder m = threeWide(13);
        m.getGraphBuilder()
                .addNode(constant("row", TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(3).addFloatData(0.5f).addFloatData(-1f).addFloatData(2f)))
                .addNode(NodeProto.newBuilder().setName("sq").setOpType("Mul").addInput("x").addInput("x").addOutput("xx"))
                .addNode(NodeProto.newBuilder().setName("sum").setOpType("Sum").addInput("x").addInput("xx")
                        .addInput("row").addOutput("y"));
        Path file = Files.write(dir.resolve("sum.onnx"), m.build().toByteArray());
        ModelGraph g = importer.read(file);
        assertEquals(List.of("Mul", "Add", "Add"), g.nodes().stream().map(Node::opType).toList());
        assertEquals("y", g.nodes().get(2).output());
        assertEquals("sum", g.nodes().get(2).name());
        assertImportMatchesOrt(file, g);
    }

    /**
     * Opset 11's Softmax / LogSoftmax over axes 1..2 of a rank-3 input (its default axis 1) is refused, naming the
     * node; over the last axis it is opset 13's and imports.
     */
    @Test
    void legacySoftmaxIsRefusedUnlessItsAxisIsTheLast() throws Exception {
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            ModelGraph g = ModelGraph.builder("seq")
                    .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 3}))
                    .node(new Node("sm", op, List.of("x"), List.of("y"), Map.of("axis", 2L)))
                    .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 3})).build();
            ModelProto.Builder m = exporter.toProto(g).toBuilder();
            m.getOpsetImportBuilder(0).setVersion(11);
            Path last = Files.write(dir.resolve(op + "-last.onnx"), m.build().toByteArray());
            assertEquals(op, importer.read(last).nodes().get(0).opType());
            m.getGraphBuilder().getNodeBuilder(0).clearAttribute();
            Path file = Files.write(dir.resolve(op + "-default.onnx"), m.build().toByteArray());
            String msg = assertThrows(OnnxFormatException.class, () -> importer.read(file)).getMessage();
            assertTrue(msg.contains("node 'sm' (" + op + ", opset 11) normalizes a rank-3 input over axes 1..2"), msg);
        }
    }

    @Test
    void castSliceSqueezeAndConcatOfConstantsFoldToOneInitializer() throws Exception {
        ModelProto.Builder m = threeWide(13);
        m.getGraphBuilder()
                .addNode(constant("ints", int64s(new long[] {1, 4}, 7, -2, 5, 9)))
                .addNode(NodeProto.newBuilder().setName("cast").setOpType("Cast").addInput("ints").addOutput("f")
                        .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                                .setI(TensorProto.DataType.FLOAT_VALUE)))
                .addNode(constant("st", int64s(new long[] {1}, 1)))
                .addNode(constant("en", int64s(new long[] {1}, 3)))
                .addNode(constant("ax", int64s(new long[] {1}, 1)))
                .addNode(NodeProto.newBuilder().setName("slice").setOpType("Slice").addInput("f").addInput("st")
                        .addInput("en").addInput("ax").addOutput("s"))
                .addNode(constant("sq_axes", int64s(new long[] {1}, 0)))
                .addNode(NodeProto.newBuilder().setName("squeeze").setOpType("Squeeze").addInput("s").addInput("sq_axes")
                        .addOutput("v"))
                .addNode(constant("one", TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(1).addFloatData(0.5f)))
                .addNode(NodeProto.newBuilder().setName("concat").setOpType("Concat").addInput("v").addInput("one")
                        .addOutput("c").addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(0)))
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("x").addInput("c").addOutput("y"));
        Path file = Files.write(dir.resolve("consts.onnx"), m.build().toByteArray());
        ModelGraph g = importer.read(file);
        assertEquals(List.of("Add"), g.nodes().stream().map(Node::opType).toList());
        assertArrayEquals(new float[] {-2, 5, 0.5f}, g.initializer("c").orElseThrow().toFloatVector());
        assertEquals(Set.of("c"), g.initializers().keySet(), "inputs read only by folded nodes are dropped");
        assertImportMatchesOrt(file, g);
    }

    @Test
    void castOfRuntimeDataToATypeTheIrDoesNotHoldAndLinearResizeAreRejectedNamingTheNode() throws Exception {
        ModelProto.Builder m = threeWide(13);
        m.getGraphBuilder().addNode(NodeProto.newBuilder().setName("c0").setOpType("Cast").addInput("x").addOutput("y")
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(TensorProto.DataType.FLOAT16_VALUE)));
        Path file = Files.write(dir.resolve("cast.onnx"), m.build().toByteArray());
        String msg = assertThrows(OnnxFormatException.class, () -> importer.read(file)).getMessage();
        assertTrue(msg.contains("Cast node 'c0' casts to FLOAT16"), msg);

        ModelProto.Builder r = threeWide(13);
        TensorProto.Builder scales = TensorProto.newBuilder().setName("scales").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addFloatData(1).addFloatData(2);
        r.getGraphBuilder().addInitializer(scales).addNode(NodeProto.newBuilder().setName("up").setOpType("Resize")
                .addInput("x").addInput("").addInput("scales").addOutput("y")
                .addAttribute(AttributeProto.newBuilder().setName("mode").setType(AttributeProto.AttributeType.STRING)
                        .setS(org.nd4j.shade.protobuf.ByteString.copyFromUtf8("linear"))));
        Path resize = Files.write(dir.resolve("resize.onnx"), r.build().toByteArray());
        msg = assertThrows(OnnxFormatException.class, () -> importer.read(resize)).getMessage();
        assertTrue(msg.contains("Resize node 'up': mode=linear") && msg.contains("supported: 4-D mode=nearest"), msg);
    }

    @Test
    void everyUnsupportedOpAndTensorTypeIsListedWithCountsInOneMessage() throws Exception {
        ModelProto.Builder m = exporter.toProto(identityGraph()).toBuilder();
        m.getGraphBuilder().clearNode()
                .addNode(NodeProto.newBuilder().setName("e0").setOpType("Einsum").addInput("x").addOutput("a"))
                .addNode(NodeProto.newBuilder().setName("r").setOpType("Relu").addInput("a").addOutput("b"))
                .addNode(NodeProto.newBuilder().setName("n0").setOpType("NonMaxSuppression").addInput("b").addOutput("c"))
                .addNode(NodeProto.newBuilder().setName("n1").setOpType("NonMaxSuppression").addInput("c").addOutput("d"))
                .addNode(NodeProto.newBuilder().setName("n2").setOpType("NonMaxSuppression").addInput("d").addOutput("e"))
                .addNode(NodeProto.newBuilder().setName("f").setOpType("FusedConv").setDomain("com.microsoft")
                        .addInput("e").addOutput("y"))
                .addInitializer(TensorProto.newBuilder().setName("d0").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                        .addDims(1).addDoubleData(1.0))
                .addInitializer(TensorProto.newBuilder().setName("d1").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                        .addDims(1).addDoubleData(2.0));
        Path file = Files.write(dir.resolve("many.onnx"), m.build().toByteArray());
        String msg = assertThrows(OnnxFormatException.class, () -> importer.read(file)).getMessage();
        assertTrue(msg.startsWith(file + ": unsupported: 3 ops (NonMaxSuppression x3 at node 'n0', "
                + "Einsum x1 at node 'e0', com.microsoft:FusedConv x1 at node 'f') and 1 tensor type "
                + "(DOUBLE x2 at initializer 'd0'); supported ops: ["), msg);
        assertTrue(!msg.contains("Relu x"), msg);
    }

    @Test
    void truncatedFileIsAFormatErrorNamingTheFile() throws Exception {
        byte[] bytes = exporter.toBytes(new TinyMlp(7).graph);
        Path file = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
        String msg = assertThrows(OnnxFormatException.class, () -> importer.read(file)).getMessage();
        assertTrue(msg.contains(file.toString()) && msg.contains("truncated or corrupted"), msg);
    }

    @Test
    void emptyGarbageAndOversizedFilesAreFormatErrors() throws Exception {
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        String msg = assertThrows(OnnxFormatException.class, () -> importer.read(empty)).getMessage();
        assertTrue(msg.contains(empty.toString()) && msg.contains("empty"), msg);

        Path text = Files.writeString(dir.resolve("text.onnx"), "this is not a model\n");
        msg = assertThrows(OnnxFormatException.class, () -> importer.read(text)).getMessage();
        assertTrue(msg.contains(text.toString()), msg);

        Path model = dir.resolve("mlp.onnx");
        exporter.write(new TinyMlp(7).graph, model);
        msg = assertThrows(OnnxFormatException.class, () -> new OnnxImporter(100).read(model)).getMessage();
        assertTrue(msg.contains("over the limit of 100 bytes"), msg);

        Path missing = dir.resolve("missing.onnx");
        msg = assertThrows(OnnxFormatException.class, () -> importer.read(missing)).getMessage();
        assertTrue(msg.contains(missing.toString()), msg);
    }

    private static ModelGraph identityGraph() {
        return ModelGraph.builder("const")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .node(new Node("id", "Identity", List.of("x"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                .build();
    }

    private static void assertExactlyEqual(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        assertEquals(expected.dataType(), actual.dataType(), what + " type");
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), what + " values");
    }
}
