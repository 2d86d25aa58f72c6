package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed models of issue 12 that made {@code condense inspect} exit 1 with a raw Java exception or pass
 * import and fail later: each now exits 2 with one "error: invalid model" line naming the file and the node (or
 * the field) at fault, and no stack trace. Planted in lenet-5 (conv1 -> pool1 -> conv2 -> pool2 -> fc1 -> fc2).
 */
class MalformedModelTest {
    @TempDir
    Path dir;

    private static NodeProto.Builder node(ModelProto.Builder m, String name) {
        return m.getGraphBuilder().getNodeBuilderList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    private static Consumer<ModelProto.Builder> convInts(String node, String attr, long... values) {
        return m -> {
            NodeProto.Builder n = node(m, node);
            List<AttributeProto> keep = n.getAttributeList().stream().filter(a -> !a.getName().equals(attr)).toList();
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(attr).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            n.clearAttribute().addAllAttribute(keep).addAttribute(a);
        };
    }

    private static Consumer<ModelProto.Builder> inputDim(long value) {
        return m -> m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(2).setDimValue(value);
    }

    static Stream<Arguments> cases() {
        Consumer<ModelProto.Builder> missing = m -> node(m, "conv2").setInput(0, "nowhere");
        Consumer<ModelProto.Builder> cycle = m -> node(m, "pool1").setInput(0, node(m, "pool2").getOutput(0));
        Consumer<ModelProto.Builder> duplicate = m -> node(m, "pool1").setOutput(0, node(m, "conv1").getOutput(0));
        Consumer<ModelProto.Builder> group7 = m -> node(m, "conv2").addAttribute(AttributeProto.newBuilder()
                .setName("group").setType(AttributeProto.AttributeType.INT).setI(7));
        Consumer<ModelProto.Builder> opset99 = m -> m.getOpsetImportBuilder(0).setVersion(99);
        return Stream.of(
                Arguments.of("missing-input", missing, List.of("node 'conv2' (Conv)", "'nowhere'")),
                Arguments.of("cycle", cycle, List.of("cycle", "node 'pool1' (MaxPool)", "node 'pool2' (MaxPool)")),
                Arguments.of("duplicate-output", duplicate, List.of("written by two nodes", "node 'pool1' (MaxPool)")),
                Arguments.of("stride-0", convInts("conv1", "strides", 0, 1), List.of("node 'conv1' (Conv)", "strides")),
                Arguments.of("group-7", group7, List.of("node 'conv2' (Conv)", "group 7 does not divide")),
                Arguments.of("input-dim-0", inputDim(0), List.of("graph value 'input'", "dimension 0")),
                Arguments.of("input-dim-2^40", inputDim(1L << 40), List.of("graph value 'input'", "dimension " + (1L << 40))),
                Arguments.of("opset-99", opset99, List.of("opset 99")));
    }

    private Path write(String name, Consumer<ModelProto.Builder> change) throws Exception {
        ModelProto.Builder m = new OnnxExporter().toProto(Zoo.build("lenet-5", 0)).toBuilder();
        change.accept(m);
        return Files.write(dir.resolve(name + ".onnx"), m.build().toByteArray());
    }

    private static void assertOneLocatedLine(Cli.Result r, Path file, List<String> fragments) {
        assertEquals(2, r.exit(), r.all());
        assertFalse(r.all().contains("\tat ") || r.all().contains("Exception"), "stack trace or exception: " + r.all());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), r.err());
        String line = errors.get(0);
        assertTrue(line.startsWith("error: invalid model: " + file), line);
        fragments.forEach(f -> assertTrue(line.contains(f), "expected '" + f + "' in: " + line));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inspectRejectsWithOneLineNamingTheNode(String name, Consumer<ModelProto.Builder> change,
                                                List<String> fragments) throws Exception {
        Path file = write(name, change);
        assertOneLocatedLine(Cli.run(dir, "inspect", file.toString()), file, fragments);
    }

    @Test
    void runWithAMalformedModelFileWritesNothing() throws Exception {
        Path file = write("stride-0", convInts("conv1", "strides", 0, 1));
        String text = Recipes.small("malformed", 1000).replace("model: {zoo: lenet-300-100}",
                "model: {file: " + file + "}");
        assertTrue(text.contains(file.toString()), "fixture lacks the zoo model line");
        Path recipe = Recipes.write(dir, "malformed.yaml", text);
        assertOneLocatedLine(Cli.run(dir, "run", recipe.toString()), file, List.of("node 'conv1' (Conv)", "strides"));
        assertFalse(Files.exists(dir.resolve("runs")), "something was written under runs/");
    }
}
