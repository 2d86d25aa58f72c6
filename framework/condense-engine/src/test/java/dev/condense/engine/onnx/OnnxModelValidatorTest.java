package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.text.Quote;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The malformed models of issue 12, each planted in lenet-5 (conv1 [20,1,5,5] on 28x28 -> pool1 -> conv2
 * [50,20,5,5] -> pool2 (8x8 -> 4x4) -> flatten -> fc1 [500,800] -> fc2 [10,500]): one {@link OnnxFormatException}
 * whose single line names the file and the node with its op (or the graph value / field at fault).
 */
class OnnxModelValidatorTest {
    @TempDir
    Path dir;

    private static ModelProto.Builder lenet() {
        return new OnnxExporter().toProto(Zoo.build("lenet-5", 0)).toBuilder();
    }

    private static NodeProto.Builder node(ModelProto.Builder m, String name) {
        return m.getGraphBuilder().getNodeBuilderList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    private static void setAttr(ModelProto.Builder m, String node, AttributeProto a) {
        NodeProto.Builder n = node(m, node);
        List<AttributeProto> attrs = new ArrayList<>(n.getAttributeList());
        attrs.removeIf(x -> x.getName().equals(a.getName()));
        attrs.add(a);
        n.clearAttribute().addAllAttribute(attrs);
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    /** Imports lenet-5 after {@code change}; asserts rejection with one line holding every fragment. */
    private void assertRejected(Consumer<ModelProto.Builder> change, String... fragments) throws Exception {
        assertRejected(lenet(), change, fragments);
    }

    /** Imports {@code m} after {@code change}; asserts rejection with one line holding every fragment. */
    private void assertRejected(ModelProto.Builder m, Consumer<ModelProto.Builder> change, String... fragments)
            throws Exception {
        change.accept(m);
        Path file = Files.write(dir.resolve("bad.onnx"), m.build().toByteArray());
        String msg = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(file)).getMessage();
        assertTrue(msg.startsWith(file + ": "), msg);
        assertFalse(msg.contains("\n"), msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), "expected '" + f + "' in: " + msg);
        }
    }

    @Test
    void missingInputNamesTheReadingNode() throws Exception {
        assertRejected(m -> node(m, "conv2").setInput(0, "nowhere"), "node 'conv2' (Conv)", "'nowhere'");
    }

    @Test
    void cycleListsItsNodes() throws Exception {
        assertRejected(m -> node(m, "pool1").setInput(0, node(m, "pool2").getOutput(0)), "cycle",
                "node 'pool1' (MaxPool)", "node 'pool2' (MaxPool)");
    }

    @Test
    void duplicateOutputNamesBothWriters() throws Exception {
        assertRejected(m -> node(m, "pool1").setOutput(0, node(m, "conv1").getOutput(0)), "written by two nodes",
                "node 'conv1' (Conv)", "node 'pool1' (MaxPool)");
    }

    @Test
    void duplicateNodeNameIsRejected() throws Exception {
        assertRejected(m -> node(m, "pool2").setName("pool1"), "node name 'pool1' is used twice");
    }

    @Test
    void zeroAndNegativeStridesAndHugePadsAreRejected() throws Exception {
        assertRejected(m -> setAttr(m, "conv1", ints("strides", 0, 1)), "node 'conv1' (Conv)", "strides", "[0, 1]");
        assertRejected(m -> setAttr(m, "conv2", ints("strides", -1, 1)), "node 'conv2' (Conv)", "strides");
        assertRejected(m -> setAttr(m, "conv1", ints("pads", 1L << 40, 0, 0, 0)), "node 'conv1' (Conv)", "pads");
        // within MAX_DIM, but 20 x 10,024 x 10,024 outputs per sample is over MAX_ELEMENTS (2^28)
        assertRejected(m -> setAttr(m, "conv1", ints("pads", 10_000, 10_000, 10_000, 10_000)), "node 'conv1' (Conv)",
                "more than " + OnnxModelValidator.MAX_ELEMENTS + " elements");
    }

    @Test
    void groupMustBePositiveAndDivideTheChannels() throws Exception {
        assertRejected(m -> setAttr(m, "conv2", integer("group", 0)), "node 'conv2' (Conv)", "group must be >= 1");
        assertRejected(m -> setAttr(m, "conv2", integer("group", 7)), "node 'conv2' (Conv)",
                "group 7 does not divide the 50 output channels");
    }

    @Test
    void kernelLargerThanThePaddedInputIsRejected() throws Exception {
        assertRejected(m -> setAttr(m, "pool2", ints("kernel_shape", 9, 9)), "node 'pool2' (MaxPool)",
                "does not fit the input");
    }

    @Test
    void attributeOfTheWrongTypeIsRejected() throws Exception {
        assertRejected(m -> setAttr(m, "conv1", integer("strides", 1)), "node 'conv1' (Conv)",
                "attribute 'strides' must be of type INTS, got INT");
        assertRejected(m -> setAttr(m, "conv1", integer("bogus", 1)), "node 'conv1' (Conv)",
                "attribute 'bogus' is not defined");
    }

    @Test
    void gemmWeightThatDoesNotMatchItsInputIsRejected() throws Exception {
        assertRejected(m -> {
            List<TensorProto> inits = new ArrayList<>(m.getGraph().getInitializerList());
            inits.replaceAll(t -> t.getName().equals("fc2.weight")
                    ? OnnxTensors.toProto("fc2.weight", Nd4j.ones(DataType.FLOAT, 10, 499)) : t);
            m.getGraphBuilder().clearInitializer().addAllInitializer(inits);
        }, "node 'fc2' (Gemm)", "inner dimension", "500 vs 499");
    }

    @Test
    void inputDimensionsOfZeroOrAbove2To24AreRejected() throws Exception {
        for (long d : new long[] {0, 1L << 40, -3}) {
            assertRejected(m -> m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                    .getShapeBuilder().getDimBuilder(2).setDimValue(d), "graph value 'input'", "dimension " + d);
        }
    }

    @Test
    void opsetOutsideTheSupportedRangeIsRejected() throws Exception {
        for (long v : new long[] {1, 6, 19, 99}) {
            assertRejected(m -> m.getOpsetImportBuilder(0).setVersion(v), "opset " + v,
                    "[" + OnnxModelValidator.MIN_OPSET + ", " + OnnxModelValidator.MAX_OPSET + "]");
        }
    }

    @Test
    void declaredOutputShapeMustMatchTheGraph() throws Exception {
        assertRejected(m -> m.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                .getShapeBuilder().getDimBuilder(1).setDimValue(11), "graph output", "[-1, 11]", "[-1, 10]");
    }

    @Test
    void longNamesAreCutInMessages() throws Exception {
        ModelProto.Builder m = lenet();
        node(m, "conv2").setName("x".repeat(100_000)).setInput(0, "y".repeat(100_000));
        Path file = Files.write(dir.resolve("long.onnx"), m.build().toByteArray());
        String msg = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(file)).getMessage();
        assertTrue(msg.length() < file.toString().length() + 4 * Quote.MAX_VALUE + 100, msg);
        assertTrue(msg.contains("… (100000 characters)"), msg);
    }

    @Test
    void controlCharactersInNamesAreEscaped() throws Exception {
        assertRejected(m -> node(m, "conv2").setInput(0, "a\nb\u2028c"), "node 'conv2' (Conv)", "'a\\nb\\u2028c'");
    }

    @Test
    void nodesOutOfOrderAreSortedAndCyclesAreNot() throws Exception {
        ModelProto.Builder m = lenet();
        List<NodeProto> reversed = new ArrayList<>(m.getGraph().getNodeList());
        Collections.reverse(reversed);
        m.getGraphBuilder().clearNode().addAllNode(reversed);
        Path file = Files.write(dir.resolve("reversed.onnx"), m.build().toByteArray());
        ModelGraph g = new OnnxImporter().read(file);
        assertEquals(Zoo.build("lenet-5", 0).nodes().stream().map(Node::name).toList(),
                g.nodes().stream().map(Node::name).toList());
    }

    // --- the MobileNetV3 ops, planted in the PyTorch fixture (opset 14) ---

    private static ModelProto.Builder mobile() throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(MobileNetV3FixtureTest.fixture())).toBuilder();
    }

    private static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v).build();
    }

    private static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(org.nd4j.shade.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    /** Adds initializer {@code name} and makes it input {@code i} of {@code node}. */
    private static void feed(ModelProto.Builder m, String node, int i, String name, org.nd4j.linalg.api.ndarray.INDArray v) {
        m.getGraphBuilder().addInitializer(OnnxTensors.toProto(name, v));
        NodeProto.Builder n = node(m, node);
        while (n.getInputCount() <= i) {
            n.addInput("");
        }
        n.setInput(i, name);
    }

    @Test
    void everySupportedOpButConstantHasASpec() {
        java.util.Set<String> missing = new java.util.TreeSet<>(SupportedOps.OPS);
        missing.removeAll(OpSpecs.ops());
        assertEquals(java.util.Set.of("Constant"), missing, "Constant is checked by ConstantNodes");
    }

    @Test
    void fixtureStillImports() throws Exception {
        Path file = Files.write(dir.resolve("ok.onnx"), mobile().build().toByteArray());
        assertEquals(List.of(-1L, 10L), java.util.Arrays.stream(new OnnxImporter().read(file).outputs().get(0).shape())
                .boxed().toList());
    }

    @Test
    void hardSigmoidAndHardSwishAttributesAreChecked() throws Exception {
        assertRejected(mobile(), m -> setAttr(m, "/b1/se/HardSigmoid", real("alpha", Float.NaN)),
                "node '/b1/se/HardSigmoid' (HardSigmoid)", "alpha must be finite");
        assertRejected(mobile(), m -> setAttr(m, "/b1/se/HardSigmoid", integer("beta", 1)),
                "attribute 'beta' must be of type FLOAT, got INT");
        assertRejected(mobile(), m -> setAttr(m, "/HardSwish", real("alpha", 0.2f)),
                "node '/HardSwish' (HardSwish)", "attribute 'alpha' is not defined for HardSwish at opset 14");
        assertRejected(mobile(), m -> m.getOpsetImportBuilder(0).setVersion(13), "(HardSwish)",
                "HardSwish is defined from opset 14 on; the model imports opset 13");
    }

    @Test
    void castTargetMustBeADataType() throws Exception {
        assertRejected(mobile(), m -> setAttr(m, "/Cast", integer("to", 0)), "node '/Cast' (Cast)",
                "to must be an ONNX data type in [1, 16], got 0");
        assertRejected(mobile(), m -> setAttr(m, "/Cast", integer("to", 99)), "got 99");
        assertRejected(mobile(), m -> node(m, "/Cast").clearAttribute(), "node '/Cast' (Cast)",
                "required attribute 'to' is missing");
        // a valid type the IR does not hold: rejected where the constant is folded, still naming the node
        assertRejected(mobile(), m -> setAttr(m, "/Cast", integer("to", TensorProto.DataType.STRING_VALUE)),
                "node '/Cast'", "casts to STRING");
    }

    @Test
    void longNamesOfFoldedNodesAreCutAndEscaped() throws Exception {
        ModelProto.Builder m = mobile();
        setAttr(m, "/Cast", integer("to", TensorProto.DataType.STRING_VALUE));
        node(m, "/Cast").setName("c\n".repeat(50_000));
        Path file = Files.write(dir.resolve("long-cast.onnx"), m.build().toByteArray());
        String msg = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(file)).getMessage();
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.contains("casts to STRING") && msg.contains("… (100000 characters)"), msg);
        assertTrue(msg.length() < file.toString().length() + 2 * Quote.MAX_VALUE + 200, msg);
    }

    @Test
    void sliceAxesStartsAndStepsAreChecked() throws Exception {
        assertRejected(mobile(), m -> feed(m, "/Slice", 3, "bad_axes", Nd4j.createFromArray(7L)),
                "node '/Slice' (Slice)", "axes [7] has 7, out of range [-4, 3]");
        assertRejected(mobile(), m -> feed(m, "/Slice", 4, "bad_steps", Nd4j.createFromArray(0L)),
                "node '/Slice' (Slice)", "steps [0] has a 0");
        assertRejected(mobile(), m -> feed(m, "/Slice", 1, "bad_starts", Nd4j.createFromArray(0f)),
                "node '/Slice' (Slice)", "starts must be an int64 tensor");
        assertRejected(mobile(), m -> feed(m, "/Slice", 2, "bad_ends", Nd4j.createFromArray(6L, 6L)),
                "node '/Slice' (Slice)", "ends has 2 entries, starts 1");
        assertRejected(mobile(), m -> setAttr(m, "/Slice", ints("starts", 0)),
                "attribute 'starts' is not defined for Slice at opset 14");
    }

    @Test
    void squeezeAxesMustNameDistinctSizeOneAxes() throws Exception {
        assertRejected(mobile(), m -> feed(m, "/Squeeze", 1, "bad_axes", Nd4j.createFromArray(1L)),
                "node '/Squeeze' (Squeeze)", "axis 1 of the input [-1,6,1,1] has size 6, not 1");
        assertRejected(mobile(), m -> feed(m, "/Squeeze", 1, "bad_axes", Nd4j.createFromArray(3L, -1L)),
                "node '/Squeeze' (Squeeze)", "names axis 3 twice");
        assertRejected(mobile(), m -> feed(m, "/Squeeze", 1, "bad_axes", Nd4j.createFromArray(4L)),
                "node '/Squeeze' (Squeeze)", "out of range [-4, 3]");
        assertRejected(mobile(), m -> setAttr(m, "/Squeeze", ints("axes", 3)),
                "attribute 'axes' is not defined for Squeeze at opset 14");
        assertRejected(mobile(), m -> {
            NodeProto.Builder sq = node(m, "/Squeeze");
            String x = sq.getInput(0);
            sq.clearInput().addInput(x);
        }, "node '/Squeeze' (Squeeze)",
                "Squeeze without axes of the input [-1,6,1,1] with a dynamic dimension");
    }

    @Test
    void resizeModesAndScalesOrSizesAreChecked() throws Exception {
        assertRejected(mobile(), m -> setAttr(m, "/up/Resize", string("mode", "bogus")), "node '/up/Resize' (Resize)",
                "mode must be one of nearest, linear, cubic, got 'bogus'");
        assertRejected(mobile(), m -> setAttr(m, "/up/Resize", string("nearest_mode", "up")),
                "nearest_mode must be one of");
        assertRejected(mobile(), m -> setAttr(m, "/up/Resize", integer("antialias", 1)),
                "attribute 'antialias' is not defined for Resize at opset 14");
        assertRejected(mobile(), m -> feed(m, "/up/Resize", 2, "bad_scales", Nd4j.createFromArray(1f, 2f, 2f)),
                "node '/up/Resize' (Resize)", "scales must be 1-D with 4 entries");
        assertRejected(mobile(), m -> feed(m, "/up/Resize", 2, "bad_scales", Nd4j.createFromArray(1f, 1f, 0f, 2f)),
                "must be positive and finite");
        assertRejected(mobile(), m -> feed(m, "/up/Resize", 3, "sizes", Nd4j.createFromArray(1L, 12L, 16L, 16L)),
                "node '/up/Resize' (Resize)", "exactly one of scales (input 2) and sizes (input 3) must be given, got both");
    }

    @Test
    void convTransposeGroupPaddingAndWeightAreChecked() throws Exception {
        String n = "/deconv/ConvTranspose";
        assertRejected(mobile(), m -> setAttr(m, n, integer("group", 0)), "node '" + n + "' (ConvTranspose)",
                "group must be >= 1");
        assertRejected(mobile(), m -> setAttr(m, n, integer("group", 3)), "node '" + n + "' (ConvTranspose)",
                "group 3 does not divide the 16 input channels of W [16,8,3,3]");
        assertRejected(mobile(), m -> setAttr(m, n, ints("output_padding", 2, 2)), "node '" + n + "' (ConvTranspose)",
                "output_padding [2, 2] must be smaller than the stride or the dilation");
        assertRejected(mobile(), m -> setAttr(m, n, ints("strides", 0, 2)), "strides must be in [1, ");
        assertRejected(mobile(), m -> setAttr(m, n, ints("pads", 100, 100, 100, 100)),
                "node '" + n + "' (ConvTranspose)", "gives an output size below 1");
        assertRejected(mobile(), m -> feed(m, n, 1, "bad_w", Nd4j.ones(DataType.FLOAT, 15, 8, 3, 3)),
                "node '" + n + "' (ConvTranspose)", "input channels of X [-1,16,8,8] and dimension 0 of W [15,8,3,3]");
        assertRejected(mobile(), m -> feed(m, n, 2, "bad_b", Nd4j.ones(DataType.FLOAT, 7)),
                "node '" + n + "' (ConvTranspose)", "bias length of B [7]");
    }

    @Test
    void sliceAttributesOfOpset9AreUpgradedToInputs() throws Exception {
        // lenet-5 at opset 9 with fc2's logits sliced to the first 4 by an opset-9 Slice (attributes, no inputs)
        ModelProto.Builder m = lenet();
        m.getOpsetImportBuilder(0).setVersion(9);
        String logits = m.getGraph().getOutput(0).getName();
        node(m, "fc2").setOutput(0, "fc2_out");
        m.getGraphBuilder().addNode(NodeProto.newBuilder().setName("cut").setOpType("Slice").addInput("fc2_out")
                .addOutput(logits).addAttribute(ints("starts", 0)).addAttribute(ints("ends", 4))
                .addAttribute(ints("axes", 1)));
        m.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(1).setDimValue(4);
        Path file = Files.write(dir.resolve("slice9.onnx"), m.build().toByteArray());
        ModelGraph g = new OnnxImporter().read(file);
        Node cut = g.nodes().stream().filter(x -> x.name().equals("cut")).findFirst().orElseThrow();
        assertEquals(4, cut.inputs().size(), cut.inputs().toString());
        assertTrue(cut.attributes().isEmpty(), cut.attributes().toString());
        assertRejected(lenet(), x -> {
            x.getOpsetImportBuilder(0).setVersion(9);
            x.getGraphBuilder().addNode(NodeProto.newBuilder().setName("cut").setOpType("Slice").addInput("fc2_out")
                    .addOutput("y").addAttribute(ints("starts", 0)).addAttribute(ints("ends", 4, 5)));
        }, "node 'cut' (Slice)", "starts, ends and axes must have the same length, got 1, 2, 1");
    }
}
