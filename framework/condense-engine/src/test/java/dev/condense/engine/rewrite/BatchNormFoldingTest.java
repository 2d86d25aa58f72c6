package dev.condense.engine.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Folding a BN into its Conv or Gemm changes ONNX Runtime's outputs only by float rounding. */
class BatchNormFoldingTest {
    @TempDir
    Path dir;

    @Test
    void convWithoutBiasThenBnFoldsToConvWithBias() {
        GraphFixtures f = GraphFixtures.over(-1, 2, 6, 6);
        f.init("c1.w", GraphFixtures.randn(1, 0.5, 4, 2, 3, 3))
                .op("Conv", Map.of("pads", new long[] {1, 1, 1, 1}), "c1.w");
        bn(f, "bn1", 4, 3).op("Relu", Map.of());
        f.init("c2.w", GraphFixtures.randn(4, 0.5, 3, 4, 3, 3)).init("c2.b", GraphFixtures.randn(5, 0.5, 3))
                .op("Conv", Map.of(), "c2.w", "c2.b");
        bn(f, "bn2", 3, 9);
        ModelGraph g = f.build();
        BatchNormFolding.Result r = BatchNormFolding.fold(g);
        assertEquals(Map.of("batchnormalization2", "conv1", "batchnormalization5", "conv4"), r.folded());
        assertTrue(r.graph().nodes().stream().noneMatch(n -> n.opType().equals("BatchNormalization")));
        assertTrue(r.graph().initializers().keySet().stream().noneMatch(k -> k.startsWith("bn")), "BN params dropped");
        assertSameOutputs(g, r.graph(), GraphFixtures.randn(11, 1, 2, 2, 6, 6));
    }

    @Test
    void gemmThenBnFoldsOnRowsWithTransBAndColumnsWithout() {
        for (long transB : new long[] {0, 1}) {
            GraphFixtures f = GraphFixtures.over(-1, 6);
            INDArray w = transB == 1 ? GraphFixtures.randn(1, 1, 5, 6) : GraphFixtures.randn(1, 1, 6, 5);
            f.init("w", w).init("b", GraphFixtures.randn(2, 1, 5)).op("Gemm", Map.of("transB", transB), "w", "b");
            bn(f, "bn", 5, 7);
            ModelGraph g = f.build();
            BatchNormFolding.Result r = BatchNormFolding.fold(g);
            assertEquals(1, r.folded().size(), "transB " + transB);
            assertSameOutputs(g, r.graph(), GraphFixtures.randn(12, 1, 3, 6));
        }
    }

    @Test
    void bnWhoseInputHasAnotherReaderStays() {
        GraphFixtures f = GraphFixtures.over(-1, 2, 4, 4);
        f.init("c.w", GraphFixtures.randn(1, 0.5, 2, 2, 1, 1)).op("Conv", Map.of(), "c.w");
        String conv = f.last();
        bn(f, "bn", 2, 3);
        f.node("Add", java.util.List.of(f.last(), conv), Map.of());
        ModelGraph g = f.build();
        BatchNormFolding.Result r = BatchNormFolding.fold(g);
        assertTrue(r.folded().isEmpty());
        assertEquals(g.nodes(), r.graph().nodes());
    }

    @Test
    void vggAndResnetFoldEveryBn() {
        for (String zoo : new String[] {"vgg-small", "resnet-20-small"}) {
            ModelGraph g = randomizeNorms(Zoo.build(zoo, 3));
            long bns = g.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count();
            BatchNormFolding.Result r = BatchNormFolding.fold(g);
            assertEquals(bns, r.folded().size(), zoo);
            assertSameOutputs(g, r.graph(), GraphFixtures.randn(13, 1, 4, 1, 28, 28));
        }
    }

    private void assertSameOutputs(ModelGraph a, ModelGraph b, INDArray x) {
        INDArray expected = run(a, x, "a.onnx");
        INDArray actual = run(b, x, "b.onnx");
        double diff = Transforms.abs(expected.sub(actual)).maxNumber().doubleValue();
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        assertTrue(diff < 1e-4 * scale, "max |diff| " + diff + ", max |output| " + expected.amaxNumber());
    }

    private INDArray run(ModelGraph g, INDArray x, String name) {
        Path file = dir.resolve(name);
        new OnnxExporter().write(g, file);
        try (OrtRunner r = new OrtRunner(file)) {
            return r.run(x);
        }
    }

    private static GraphFixtures bn(GraphFixtures f, String name, long c, long seed) {
        f.init(name + ".s", GraphFixtures.randn(seed, 1, c)).init(name + ".b", GraphFixtures.randn(seed + 1, 1, c))
                .init(name + ".m", GraphFixtures.randn(seed + 2, 1, c))
                .init(name + ".v", Transforms.abs(GraphFixtures.randn(seed + 3, 1, c)).addi(0.5));
        return f.op("BatchNormalization", Map.of(), name + ".s", name + ".b", name + ".m", name + ".v");
    }

    private static ModelGraph randomizeNorms(ModelGraph g) {
        ModelGraph.Builder b = g.toBuilder();
        long seed = 100;
        for (Node n : g.nodes()) {
            if (n.opType().equals("BatchNormalization")) {
                for (int i = 1; i <= 4; i++) {
                    String p = n.inputs().get(i);
                    INDArray r = GraphFixtures.randn(seed++, 0.1, g.initializers().get(p).shape());
                    b.initializer(p, i == 4 ? Transforms.abs(r).addi(1) : i == 1 ? r.addi(1) : r);
                }
            }
        }
        return b.build();
    }
}
