package dev.condense.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Producer and consumer lookups of {@link ModelGraph}, which are answered from an index. */
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

    private static List<String> names(List<Node> nodes) {
        return nodes.stream().map(Node::name).toList();
    }
}
