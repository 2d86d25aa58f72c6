package dev.condense.engine.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.fixtures.GraphFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class ShapeInferenceTest {

    @Test
    void cnnChainKeepsTheDynamicBatch() {
        GraphFixtures g = GraphFixtures.over(-1, 3, 28, 28)
                .init("w", Nd4j.zeros(8, 3, 5, 5)).op("Conv", Map.of("strides", new long[] {2, 2},
                        "pads", new long[] {2, 2, 2, 2}), "w");
        String conv = g.last();
        g.op("MaxPool", Map.of("kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2}, "ceil_mode", 1L));
        String pool = g.last();
        g.init("pads", Nd4j.createFromArray(0L, 0L, 1L, 0L, 0L, 0L, 2L, 1L)).op("Pad", Map.of(), "pads");
        String pad = g.last();
        g.node("Concat", List.of(pad, pad), Map.of("axis", 1L));
        String cat = g.last();
        g.init("spec", Nd4j.createFromArray(0L, 16L, -1L)).op("Reshape", Map.of(), "spec");
        String reshaped = g.last();
        g.op("Transpose", Map.of("perm", new long[] {0, 2, 1})).op("Flatten", Map.of());
        ModelGraph graph = g.build();
        Map<String, long[]> s = ShapeInference.infer(graph);
        assertArrayEquals(new long[] {-1, 8, 14, 14}, s.get(conv));
        assertArrayEquals(new long[] {-1, 8, 7, 7}, s.get(pool), "ceil((14 - 3) / 2) + 1 = 7");
        assertArrayEquals(new long[] {-1, 8, 10, 8}, s.get(pad));
        assertArrayEquals(new long[] {-1, 16, 10, 8}, s.get(cat));
        assertArrayEquals(new long[] {-1, 16, 80}, s.get(reshaped));
        assertArrayEquals(new long[] {-1, 1280}, s.get(graph.outputs().get(0).name()));
    }

    @Test
    void reshapeWithoutCopyingTheBatchInfersADynamicDimension() {
        assertArrayEquals(new long[] {-1, 6}, Reshapes.target(new long[] {-1, 2, 3}, new long[] {-1, 6}, false));
        assertArrayEquals(new long[] {4, 6}, Reshapes.target(new long[] {4, 2, 3}, new long[] {-1, 6}, false));
        assertArrayEquals(new long[] {-1, 3, 2}, Reshapes.target(new long[] {-1, 6}, new long[] {0, 3, -1}, false));
    }

    @Test
    void sameUpperPutsTheExtraPadAtTheEnd() {
        var n = new dev.condense.api.model.Node("c", "Conv", List.of("x", "w"), List.of("y"),
                Map.of("auto_pad", "SAME_UPPER", "strides", new long[] {2, 2}));
        ConvGeometry g = ConvGeometry.of(n, new long[] {1, 1, 5, 5}, new long[] {4, 4});
        assertArrayEquals(new long[] {1, 1, 2, 2}, g.pads(), "total (3 - 1) * 2 + 4 - 5 = 3, begin 1, end 2");
        assertArrayEquals(new long[] {3, 3}, new long[] {g.outSize(0, 5), g.outSize(1, 5)});
    }
}
