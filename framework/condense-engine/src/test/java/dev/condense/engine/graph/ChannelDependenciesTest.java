package dev.condense.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.fixtures.QuantizedFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class ChannelDependenciesTest {

    private static GraphFixtures conv(GraphFixtures g, String name, String in, long outC, long inC, long group) {
        return g.init(name + ".w", Nd4j.zeros(outC, inC / group, 3, 3)).init(name + ".b", Nd4j.zeros(outC))
                .node("Conv", List.of(in, name + ".w", name + ".b"), Map.of("pads", new long[] {1, 1, 1, 1}, "group", group));
    }

    private static GraphFixtures bn(GraphFixtures g, String name, long c) {
        for (String p : List.of("s", "b", "m", "v")) {
            g.init(name + "." + p, Nd4j.ones(c));
        }
        return g.op("BatchNormalization", Map.of(), name + ".s", name + ".b", name + ".m", name + ".v");
    }

    private static ChannelGroup groupWith(List<ChannelGroup> groups, String tensor) {
        return groups.stream().filter(gr -> !gr.slicesOf(tensor).isEmpty()).findFirst().orElseThrow();
    }

    @Test
    void residualAddJoinsBothBranchesAndFollowsThroughPoolingIntoGemm() {
        GraphFixtures g = GraphFixtures.over(-1, 3, 8, 8);
        conv(g, "c1", "x", 8, 3, 1);
        bn(g, "bn1", 8).op("Relu", Map.of());
        String skip = g.last();
        conv(g, "c2", skip, 8, 8, 1);
        bn(g, "bn2", 8).node("Add", List.of(skip, g.last()), Map.of()).op("Relu", Map.of())
                .op("GlobalAveragePool", Map.of()).op("Flatten", Map.of())
                .init("fc.w", Nd4j.zeros(10, 8)).op("Gemm", Map.of("transB", 1L), "fc.w");
        List<ChannelGroup> groups = ChannelDependencies.analyze(g.build());
        assertEquals(1, groups.size(), groups::toString);
        ChannelGroup r = groups.get(0);
        assertEquals(8, r.size());
        assertEquals(2, r.sources().size());
        assertEquals(List.of(new ChannelSlice("c1.w", 0, 0, 1)), r.slicesOf("c1.w"));
        assertEquals(List.of(new ChannelSlice("c2.w", 1, 0, 1), new ChannelSlice("c2.w", 0, 0, 1)), r.slicesOf("c2.w"));
        for (String t : List.of("c1.b", "c2.b", "bn1.s", "bn1.v", "bn2.b", "bn2.m")) {
            assertEquals(List.of(new ChannelSlice(t, 0, 0, 1)), r.slicesOf(t), t);
        }
        assertEquals(List.of(new ChannelSlice("fc.w", 1, 0, 1)), r.slicesOf("fc.w"));
    }

    @Test
    void concatOffsetsTheSecondBranchInTheNextConvInput() {
        GraphFixtures g = GraphFixtures.over(-1, 3, 8, 8);
        conv(g, "a", "x", 4, 3, 1);
        String a = g.last();
        conv(g, "b", "x", 6, 3, 1);
        g.node("Concat", List.of(a, g.last()), Map.of("axis", 1L));
        conv(g, "c", g.last(), 5, 10, 1);
        List<ChannelGroup> groups = ChannelDependencies.analyze(g.build());
        assertEquals(2, groups.size(), "conv c feeds the graph output, so only a and b are prunable");
        assertEquals(List.of(new ChannelSlice("c.w", 1, 0, 1)), groupWith(groups, "a.w").slicesOf("c.w"));
        ChannelGroup b = groupWith(groups, "b.w");
        assertEquals(6, b.size());
        assertEquals(List.of(new ChannelSlice("c.w", 1, 4, 1)), b.slicesOf("c.w"));
    }

    @Test
    void flattenExpandsEachChannelToItsSpatialBlockAndDepthwiseSharesTheGroup() {
        GraphFixtures g = GraphFixtures.over(-1, 1, 6, 6);
        conv(g, "c", "x", 3, 1, 1);
        conv(g, "dw", g.last(), 3, 3, 3);
        g.op("Relu", Map.of()).op("Flatten", Map.of()).init("fc.w", Nd4j.zeros(5, 108))
                .op("Gemm", Map.of("transB", 1L), "fc.w");
        ModelGraph graph = g.build();
        List<ChannelGroup> groups = ChannelDependencies.analyze(graph);
        assertEquals(1, groups.size(), groups::toString);
        ChannelGroup c = groups.get(0);
        assertEquals(List.of("conv1"), c.sources(), "fixture nodes are named op + index");
        assertEquals(List.of(new ChannelSlice("fc.w", 1, 0, 36)), c.slicesOf("fc.w"));
        assertEquals(List.of(new ChannelSlice("dw.w", 0, 0, 1)), c.slicesOf("dw.w"));
        assertEquals(List.of(new ChannelSlice("dw.b", 0, 0, 1)), c.slicesOf("dw.b"));
        assertTrue(c.slicesOf("x").isEmpty());
    }

    @Test
    void reshapeFixesTheChannelsItScrambles() {
        GraphFixtures g = GraphFixtures.over(-1, 1, 6, 6);
        conv(g, "c", "x", 4, 1, 1);
        g.init("shape", Nd4j.createFromArray(0L, -1L)).op("Reshape", Map.of(), "shape")
                .init("fc.w", Nd4j.zeros(5, 144)).op("Gemm", Map.of("transB", 1L), "fc.w");
        assertEquals(List.of(), ChannelDependencies.analyze(g.build()));
    }

    @Test
    void aQuantizedReaderFixesTheChannelsItReads() {
        // conv -> flatten -> gemm whose weight is stored int8 behind a DequantizeLinear: the gemm is not a layer
        // whose weight can be sliced (WeightedLayers.stored), so the conv's output channels stay; every other space
        // is fixed by a computed weight (mm1) or the graph output (mm2)
        ModelGraph quantized = QuantizedFixtures.planted();
        assertEquals(List.of(), ChannelDependencies.analyze(quantized));
        // the same graph with the gemm reading a float initializer: the conv's channels form one group with it
        ModelGraph.Builder b = quantized.toBuilder().clearNodes().initializer("q.f", Nd4j.zeros(5, 48));
        quantized.nodes().forEach(n -> b.node(n.name().equals("gemm")
                ? new Node(n.name(), n.opType(), List.of("y3", "q.f", "q.b"), n.outputs(), n.attributes())
                : n));
        List<ChannelGroup> groups = ChannelDependencies.analyze(b.build());
        assertEquals(1, groups.size(), groups::toString);
        assertEquals(List.of(new ChannelSlice("q.f", 1, 0, 16)), groups.get(0).slicesOf("q.f"));
    }
}
