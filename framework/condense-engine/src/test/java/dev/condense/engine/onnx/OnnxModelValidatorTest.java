package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
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

    /** Imports {@code m} after {@code change}; asserts rejection with one line holding every fragment. */
    private void assertRejected(Consumer<ModelProto.Builder> change, String... fragments) throws Exception {
        ModelProto.Builder m = lenet();
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
        assertTrue(msg.length() < file.toString().length() + 4 * OnnxModelValidator.MAX_QUOTE + 100, msg);
        assertTrue(msg.contains("(100000 chars)"), msg);
    }

    @Test
    void controlCharactersInNamesAreEscaped() throws Exception {
        assertRejected(m -> node(m, "conv2").setInput(0, "a\nb\u2028c"), "node 'conv2' (Conv)", "'a\\u000ab\\u2028c'");
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
}
