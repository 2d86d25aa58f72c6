package dev.condense.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ModelGraph}: producer and consumer lookups (answered from an index) and the invariants {@code build()}
 * enforces: topological order, inputs exist, one source per tensor, outputs produced, mask shapes, immutability.
 */
class ModelGraphTest {

    private static ValueInfo value(String name) {
        return new ValueInfo(name, ValueInfo.ElementType.FLOAT, new long[] {-1, 4});
    }

    private static Node node(String name, String op, List<String> in, String out) {
        return new Node(name, op, in, List.of(out), Map.of());
    }

    /** x -> relu(y) -> mul(y, y) = z -> add(y, z) = w; the output is w. */
    private static ModelGraph diamond() {
        return ModelGraph.builder("diamond").input(value("x"))
                .node(node("relu", "Relu", List.of("x"), "y"))
                .node(node("square", "Mul", List.of("y", "y"), "z"))
                .node(node("sum", "Add", List.of("y", "z"), "w"))
                .output(value("w")).build();
    }

    @Test
    void producersAndConsumersOfADiamond() {
        ModelGraph g = diamond();
        assertEquals("relu", g.producer("y").orElseThrow().name());
        assertEquals("sum", g.producer("w").orElseThrow().name());
        assertEquals(Optional.empty(), g.producer("x"), "a graph input has no producer");
        assertEquals(Optional.empty(), g.producer("nothing"));
        assertEquals(List.of("square", "sum"), names(g.consumers("y")), "graph order, Mul(y, y) counted once");
        assertEquals(List.of("relu"), names(g.consumers("x")));
        assertEquals(List.of(), g.consumers("w"), "the graph output feeds no node");
        assertEquals(List.of(), g.consumers("nothing"));
    }

    @Test
    void anEditedCopyAnswersForItsOwnNodesAndTheOriginalIsUnchanged() {
        ModelGraph g = diamond();
        g.consumers("y"); // builds the original's index before the edit
        ModelGraph edited = g.toBuilder().clearNodes()
                .node(node("relu", "Relu", List.of("x"), "y"))
                .node(node("neg", "Neg", List.of("x"), "z"))
                .node(node("sum", "Add", List.of("y", "z"), "w"))
                .build();
        assertEquals(List.of("sum"), names(edited.consumers("y")));
        assertEquals(List.of("relu", "neg"), names(edited.consumers("x")));
        assertEquals("neg", edited.producer("z").orElseThrow().name());
        assertEquals(List.of("square", "sum"), names(g.consumers("y")));
        assertEquals("square", g.producer("z").orElseThrow().name());
    }

    @Test
    void omittedOptionalInputsAreNotConsumersOfARealTensor() {
        ModelGraph g = ModelGraph.builder("clip").input(value("x"))
                .node(node("clip", "Clip", List.of("x", "", ""), "y"))
                .output(value("y")).build();
        assertEquals(List.of("clip"), names(g.consumers("x")));
        assertEquals(Optional.empty(), g.producer(""));
    }

    /** A seeded random DAG: the index gives what a scan of every node gives, for every tensor. */
    @Test
    void indexAgreesWithAScanOnARandomGraph() {
        Random r = new Random(12);
        ModelGraph.Builder b = ModelGraph.builder("random").input(value("t0"));
        int n = 2_000;
        for (int i = 1; i <= n; i++) {
            String a = "t" + r.nextInt(i);
            String c = "t" + r.nextInt(i);
            b.node(node("n" + i, "Add", List.of(a, c), "t" + i));
        }
        ModelGraph g = b.output(value("t" + n)).build();
        for (int i = 0; i <= n; i++) {
            String t = "t" + i;
            List<Node> scanned = g.nodes().stream().filter(x -> x.inputs().contains(t)).toList();
            Optional<Node> producer = g.nodes().stream().filter(x -> x.outputs().contains(t)).findFirst();
            assertEquals(scanned, g.consumers(t), t);
            assertEquals(producer, g.producer(t), t);
        }
        assertTrue(g.consumers("t0").size() > 0);
    }

    private static IllegalStateException refused(ModelGraph.Builder b) {
        return assertThrows(IllegalStateException.class, b::build);
    }

    @Test
    void aNodeReadingALaterNodesOutputIsRefused() {
        IllegalStateException e = refused(ModelGraph.builder("order").input(value("x"))
                .node(node("sum", "Add", List.of("x", "y"), "w"))
                .node(node("relu", "Relu", List.of("x"), "y"))
                .output(value("w")));
        assertTrue(e.getMessage().contains("'sum'") && e.getMessage().contains("'y'"), e.getMessage());
    }

    @Test
    void aNodeReadingAMissingTensorIsRefused() {
        IllegalStateException e = refused(ModelGraph.builder("missing").input(value("x"))
                .node(node("mm", "MatMul", List.of("x", "fc.weight"), "y")).output(value("y")));
        assertTrue(e.getMessage().contains("'mm'") && e.getMessage().contains("'fc.weight'"), e.getMessage());
    }

    @Test
    void twoSourcesForOneTensorAreRefused() {
        IllegalStateException twoNodes = refused(ModelGraph.builder("dup").input(value("x"))
                .node(node("a", "Relu", List.of("x"), "y"))
                .node(node("b", "Neg", List.of("x"), "y"))
                .output(value("y")));
        assertTrue(twoNodes.getMessage().contains("'b'") && twoNodes.getMessage().contains("'y'"), twoNodes.getMessage());
        IllegalStateException overInput = refused(ModelGraph.builder("shadow").input(value("x"))
                .node(node("a", "Relu", List.of("x"), "x")).output(value("x")));
        assertTrue(overInput.getMessage().contains("'a'"), overInput.getMessage());
        IllegalStateException overWeight = refused(ModelGraph.builder("shadow-w").input(value("x"))
                .initializer("w", Nd4j.ones(2, 2))
                .node(node("a", "Relu", List.of("x"), "w")).output(value("w")));
        assertTrue(overWeight.getMessage().contains("'w'"), overWeight.getMessage());
    }

    @Test
    void anUnproducedOutputIsRefused() {
        IllegalStateException e = refused(ModelGraph.builder("out").input(value("x"))
                .node(node("relu", "Relu", List.of("x"), "y")).output(value("z")));
        assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    }

    @Test
    void aMaskMustMatchAnInitializersShape() {
        ModelGraph.Builder ok = ModelGraph.builder("mask").input(value("x"))
                .initializer("fc.weight", Nd4j.ones(3, 4))
                .node(node("mm", "MatMul", List.of("x", "fc.weight"), "y")).output(value("y"));
        assertEquals(List.of(3L, 4L), shape(ok.mask("fc.weight", Nd4j.ones(3, 4)).build().masks().get("fc.weight")));
        assertThrows(IllegalStateException.class, () -> ok.mask("fc.weight", Nd4j.ones(4, 3)).build());
        assertThrows(IllegalStateException.class, () -> ok.mask("fc.weight", Nd4j.ones(3, 4)).mask("nope", Nd4j.ones(1)).build());
    }

    @Test
    void aBuiltGraphIsImmutableAndIndependentOfItsBuilder() {
        ModelGraph.Builder b = ModelGraph.builder("frozen").input(value("x"))
                .initializer("w", Nd4j.ones(4, 4))
                .node(node("mm", "MatMul", List.of("x", "w"), "y")).output(value("y"));
        ModelGraph g = b.build();
        b.node(node("relu", "Relu", List.of("y"), "z")).initializer("v", Nd4j.ones(1)).mask("w", Nd4j.ones(4, 4));
        assertEquals(1, g.nodes().size(), "later builder edits do not reach the built graph");
        assertEquals(List.of("w"), List.copyOf(g.initializers().keySet()));
        assertTrue(g.masks().isEmpty());
        INDArray w = g.initializers().get("w");
        assertThrows(UnsupportedOperationException.class, () -> g.nodes().add(node("n", "Neg", List.of("x"), "q")));
        assertThrows(UnsupportedOperationException.class, () -> g.inputs().clear());
        assertThrows(UnsupportedOperationException.class, () -> g.outputs().clear());
        assertThrows(UnsupportedOperationException.class, () -> g.initializers().put("v", w));
        assertThrows(UnsupportedOperationException.class, () -> g.masks().put("w", w));
        ModelGraph copy = g.toBuilder().initializer("w2", Nd4j.zeros(4, 4)).clearNodes()
                .node(node("mm", "MatMul", List.of("x", "w2"), "y")).removeInitializer("w").build();
        assertEquals(List.of("w2"), List.copyOf(copy.initializers().keySet()));
        assertEquals(List.of("x", "w2"), copy.nodes().get(0).inputs());
        assertTrue(g.initializer("w").isPresent() && g.initializer("w2").isEmpty(), "the original is unchanged");
        assertEquals(List.of("x", "w"), g.nodes().get(0).inputs());
        assertEquals(1, g.nodes().size());
    }

    private static List<Long> shape(INDArray a) {
        return java.util.Arrays.stream(a.shape()).boxed().toList();
    }

    private static List<String> names(List<Node> nodes) {
        return nodes.stream().map(Node::name).toList();
    }

    @Test
    void aNodeIsReplacedInPlaceBySeveral() {
        ModelGraph g = diamond().toBuilder().replaceNode("square", List.of(
                node("square.a", "Mul", List.of("y", "y"), "y2"), node("square.b", "Abs", List.of("y2"), "z")))
                .build();
        assertEquals(List.of("relu", "square.a", "square.b", "sum"), names(g.nodes()));
        assertEquals("square.b", g.producer("z").orElseThrow().name());
        var e = assertThrows(IllegalArgumentException.class,
                () -> diamond().toBuilder().replaceNode("cube", List.of()));
        assertTrue(e.getMessage().contains("'cube'"), e.getMessage());
    }
}
