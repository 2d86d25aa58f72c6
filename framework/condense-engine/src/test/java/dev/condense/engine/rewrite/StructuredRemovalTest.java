package dev.condense.engine.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.graph.ChannelDependencies;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Removal is exact with respect to masking: ONNX Runtime gives the same outputs for the trimmed graph and for the
 * original with every removed channel's initializer slices zeroed.
 */
class StructuredRemovalTest {
    @TempDir
    Path dir;

    @Test
    void gemmChainDropsRowsBiasEntriesAndNextColumns() throws Exception {
        GraphFixtures f = GraphFixtures.over(-1, 6);
        f.init("w1", GraphFixtures.randn(1, 1, 5, 6)).init("b1", GraphFixtures.randn(2, 1, 5))
                .op("Gemm", Map.of("transB", 1L), "w1", "b1").op("Relu", Map.of())
                .init("w2", GraphFixtures.randn(3, 1, 4, 5)).init("b2", GraphFixtures.randn(4, 1, 4))
                .op("Gemm", Map.of("transB", 1L), "w2", "b2").op("Relu", Map.of())
                .init("w3", GraphFixtures.randn(5, 1, 3, 4)).op("Gemm", Map.of("transB", 1L), "w3");
        ModelGraph g = f.build();
        ModelGraph out = checkExact(g, new long[] {2, 6});
        assertArrayEquals(new long[] {3, 6}, out.initializers().get("w1").shape());
        assertArrayEquals(new long[] {3}, out.initializers().get("b1").shape());
        assertArrayEquals(new long[] {2, 3}, out.initializers().get("w2").shape());
        assertArrayEquals(new long[] {3, 2}, out.initializers().get("w3").shape());
    }

    @Test
    void convBatchNormReluConvDropsFilterBnEntriesAndInputChannel() throws Exception {
        GraphFixtures f = GraphFixtures.over(-1, 2, 6, 6);
        f.init("c1.w", GraphFixtures.randn(1, 0.5, 4, 2, 3, 3)).init("c1.b", GraphFixtures.randn(2, 0.5, 4))
                .op("Conv", Map.of("pads", new long[] {1, 1, 1, 1}), "c1.w", "c1.b");
        bn(f, "bn", 4, 3).op("Relu", Map.of())
                .init("c2.w", GraphFixtures.randn(4, 0.5, 3, 4, 3, 3)).op("Conv", Map.of(), "c2.w");
        ModelGraph out = checkExact(f.build(), new long[] {2, 2, 6, 6});
        assertArrayEquals(new long[] {2, 2, 3, 3}, out.initializers().get("c1.w").shape());
        for (String p : List.of("c1.b", "bn.s", "bn.b", "bn.m", "bn.v")) {
            assertArrayEquals(new long[] {2}, out.initializers().get(p).shape(), p);
        }
        assertArrayEquals(new long[] {3, 2, 3, 3}, out.initializers().get("c2.w").shape());
    }

    @Test
    void flattenIntoGemmDropsTheChannelsSpatialBlockAndTrimsMasks() throws Exception {
        GraphFixtures f = GraphFixtures.over(-1, 1, 4, 4);
        f.init("c.w", GraphFixtures.randn(1, 1, 3, 1, 3, 3))
                .op("Conv", Map.of("pads", new long[] {1, 1, 1, 1}), "c.w").op("Relu", Map.of()).op("Flatten", Map.of())
                .init("fc.w", GraphFixtures.randn(2, 1, 5, 48)).op("Gemm", Map.of("transB", 1L), "fc.w");
        ModelGraph g = f.build();
        INDArray mask = Nd4j.ones(DataType.FLOAT, 5, 48);
        g = g.toBuilder().mask("fc.w", mask).build();
        ModelGraph out = checkExact(g, new long[] {2, 1, 4, 4});
        assertArrayEquals(new long[] {5, 32}, out.initializers().get("fc.w").shape(), "channel 0's 16 columns removed");
        assertArrayEquals(new long[] {5, 32}, out.masks().get("fc.w").shape());
        assertEquals(g.initializers().get("fc.w").get(NDArrayIndex.all(), NDArrayIndex.interval(16, 48)),
                out.initializers().get("fc.w"));
    }

    @Test
    void residualNetworkPrunesCoupledChannelsTogether() throws Exception {
        ModelGraph g = randomizeNorms(Zoo.build("resnet-20-small", 3));
        assertTrue(ChannelDependencies.analyze(g).stream().anyMatch(gr -> gr.sources().size() > 2),
                "the stages' residual adds couple several producers");
        ModelGraph out = checkExact(g, new long[] {2, 1, 28, 28});
        long before = g.initializers().values().stream().mapToLong(INDArray::length).sum();
        long after = out.initializers().values().stream().mapToLong(INDArray::length).sum();
        assertTrue(after < before * 0.9, before + " -> " + after);
    }

    @Test
    void refusesToEmptyAGroup() {
        GraphFixtures f = GraphFixtures.over(-1, 3);
        f.init("w1", Nd4j.ones(DataType.FLOAT, 2, 3)).op("Gemm", Map.of("transB", 1L), "w1")
                .init("w2", Nd4j.ones(DataType.FLOAT, 1, 2)).op("Gemm", Map.of("transB", 1L), "w2");
        ModelGraph g = f.build();
        ChannelGroup only = ChannelDependencies.analyze(g).get(0);
        assertThrows(IllegalArgumentException.class, () -> StructuredRemoval.remove(g, Map.of(only, new long[] {0, 1})));
    }

    /** Removes channels 0 and 2 (when the group keeps one) of every group; compares ORT outputs with masking. */
    private ModelGraph checkExact(ModelGraph g, long[] inputShape) throws Exception {
        Map<ChannelGroup, long[]> removed = new LinkedHashMap<>();
        for (ChannelGroup group : ChannelDependencies.analyze(g)) {
            removed.put(group, group.size() > 3 ? new long[] {0, 2} : new long[] {0});
        }
        assertTrue(!removed.isEmpty());
        ModelGraph trimmed = StructuredRemoval.remove(g, removed);
        INDArray x = GraphFixtures.randn(11, 1, inputShape);
        INDArray expected = run(zeroed(g, removed), x, "masked.onnx");
        INDArray actual = run(trimmed, x, "trimmed.onnx");
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = Transforms.maxAbsDiff(expected, actual);
        assertTrue(diff < 1e-4, "max |diff| " + diff + ", max |output| " + expected.amaxNumber());
        return trimmed;
    }

    private INDArray run(ModelGraph g, INDArray x, String name) {
        Path file = dir.resolve(name);
        new OnnxExporter().write(g, file);
        try (OrtRunner r = new OrtRunner(file)) {
            return r.run(x);
        }
    }

    /** The original graph with every initializer member slice of the removed channels set to zero. */
    static ModelGraph zeroed(ModelGraph g, Map<ChannelGroup, long[]> removed) {
        Map<String, INDArray> copies = new LinkedHashMap<>();
        for (var e : removed.entrySet()) {
            for (ChannelSlice s : e.getKey().members()) {
                INDArray t = g.initializers().get(s.tensor());
                if (t == null) {
                    continue;
                }
                INDArray c = copies.computeIfAbsent(s.tensor(), k -> t.dup());
                for (long ch : e.getValue()) {
                    INDArrayIndex[] idx = new INDArrayIndex[c.rank()];
                    Arrays.fill(idx, NDArrayIndex.all());
                    idx[s.axis()] = NDArrayIndex.interval(s.offset() + ch * s.block(), s.offset() + (ch + 1) * s.block());
                    c.get(idx).assign(0);
                }
            }
        }
        ModelGraph.Builder b = g.toBuilder();
        copies.forEach(b::initializer);
        return b.build();
    }

    private static GraphFixtures bn(GraphFixtures f, String name, long c, long seed) {
        f.init(name + ".s", GraphFixtures.randn(seed, 1, c)).init(name + ".b", GraphFixtures.randn(seed + 1, 1, c))
                .init(name + ".m", GraphFixtures.randn(seed + 2, 1, c))
                .init(name + ".v", Transforms.abs(GraphFixtures.randn(seed + 3, 1, c)).addi(0.5));
        return f.op("BatchNormalization", Map.of(), name + ".s", name + ".b", name + ".m", name + ".v");
    }

    /** Seeded non-trivial BN parameters and conv biases, so that zeroed channels would leak if removal were wrong. */
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

    /** Small helpers over ND4J transforms. */
    private static final class Transforms {
        static double maxAbsDiff(INDArray a, INDArray b) {
            return org.nd4j.linalg.ops.transforms.Transforms.abs(a.sub(b)).maxNumber().doubleValue();
        }

        static INDArray abs(INDArray a) {
            return org.nd4j.linalg.ops.transforms.Transforms.abs(a);
        }
    }
}
