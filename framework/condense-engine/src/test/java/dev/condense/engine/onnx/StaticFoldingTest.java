package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.train.Inference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Import-time folding of Shape/Gather/Unsqueeze/Concat chains (the {@code x.view(x.size(0), -1)} pattern). */
class StaticFoldingTest {
    @TempDir
    Path dir;

    private static ModelGraph viewPattern(long gatherIndex) {
        return ModelGraph.builder("view")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 3, 3}))
                .initializer("idx", Nd4j.scalar(gatherIndex)).initializer("axes", Nd4j.createFromArray(0L))
                .initializer("rest", Nd4j.createFromArray(-1L))
                .node(new Node("shape", "Shape", List.of("x"), List.of("s"), Map.of()))
                .node(new Node("gather", "Gather", List.of("s", "idx"), List.of("n"), Map.of("axis", 0L)))
                .node(new Node("unsq", "Unsqueeze", List.of("n", "axes"), List.of("n1"), Map.of()))
                .node(new Node("cat", "Concat", List.of("n1", "rest"), List.of("spec"), Map.of("axis", 0L)))
                .node(new Node("view", "Reshape", List.of("x", "spec"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 18}))
                .build();
    }

    private ModelGraph roundTrip(ModelGraph g) {
        Path file = dir.resolve(g.name() + ".onnx");
        new OnnxExporter().write(g, file);
        return new OnnxImporter().read(file);
    }

    @Test
    void batchSizeViewBecomesAReshapeCopyingTheBatchAxis() {
        ModelGraph g = roundTrip(viewPattern(0));
        assertEquals(List.of("Reshape"), g.nodes().stream().map(Node::opType).toList());
        INDArray spec = g.initializers().get(g.nodes().get(0).inputs().get(1));
        assertEquals(Nd4j.createFromArray(0L, -1L), spec);
        assertEquals(List.of("view.shape"), List.copyOf(g.initializers().keySet()), "folded inputs are dropped");
        INDArray x = GraphFixtures.randn(3, 1, 5, 2, 3, 3);
        assertEquals(x.reshape(5, 18), Inference.predict(g, x));
    }

    /** {@code x.reshape(x.shape[:1] + [-1])}: Slice of the shape vector (keeping the batch entry), then Concat. */
    @Test
    void sliceOfTheShapeVectorFoldsToo() {
        ModelGraph g = roundTrip(ModelGraph.builder("sliced")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 3, 3}))
                .initializer("st", Nd4j.createFromArray(0L)).initializer("en", Nd4j.createFromArray(1L))
                .initializer("rest", Nd4j.createFromArray(-1L))
                .node(new Node("shape", "Shape", List.of("x"), List.of("s"), Map.of()))
                .node(new Node("head", "Slice", List.of("s", "st", "en"), List.of("n1"), Map.of()))
                .node(new Node("cast", "Cast", List.of("n1"), List.of("n2"), Map.of("to", 7L)))
                .node(new Node("cat", "Concat", List.of("n2", "rest"), List.of("spec"), Map.of("axis", 0L)))
                .node(new Node("view", "Reshape", List.of("x", "spec"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 18}))
                .build());
        assertEquals(List.of("Reshape"), g.nodes().stream().map(Node::opType).toList());
        assertEquals(Nd4j.createFromArray(0L, -1L), g.initializers().get(g.nodes().get(0).inputs().get(1)));
    }

    @Test
    void staticDimensionFoldsToAConstant() {
        ModelGraph g = roundTrip(viewPattern(1));
        assertEquals(Nd4j.createFromArray(2L, -1L), g.initializers().get(g.nodes().get(0).inputs().get(1)));
    }

    @Test
    void gatherOnRuntimeDataStaysAsANode() {
        ModelGraph g = GraphFixtures.over(-1, 4).init("idx", Nd4j.createFromArray(1L))
                .op("Gather", Map.of("axis", 1L), "idx").build();
        Path file = dir.resolve("gather.onnx");
        new OnnxExporter().write(g, file);
        ModelGraph back = new OnnxImporter().read(file);
        assertEquals(List.of("Gather"), back.nodes().stream().map(Node::opType).toList());
        assertArrayEquals(new long[] {-1, 1}, dev.condense.engine.graph.ShapeInference.infer(back)
                .get(back.nodes().get(0).output()));
    }

    @Test
    void aShapeHoldingTheBatchReadByAnythingButReshapeIsRejected() {
        ModelGraph g = ModelGraph.builder("batch")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 4}))
                .initializer("zero", Nd4j.scalar(0L))
                .node(new Node("shape", "Shape", List.of("x"), List.of("s"), Map.of()))
                .node(new Node("gather", "Gather", List.of("s", "zero"), List.of("b"), Map.of("axis", 0L)))
                .node(new Node("cast", "Cast", List.of("b"), List.of("bf"), Map.of("to", 1L)))
                .node(new Node("add", "Add", List.of("x", "bf"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 4})).build();
        Path file = dir.resolve("batch.onnx");
        new OnnxExporter().write(g, file);
        String msg = assertThrows(OnnxFormatException.class, () -> new OnnxImporter().read(file)).getMessage();
        assertTrue(msg.contains("dynamic batch size"), msg);
    }
}
