package dev.condense.kernel.stage.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.prune.Granularity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class PrunableLayersTest {

    /** x[N,6] -> gemm(a.w [4,6], transB) -> gemm(q.w = DequantizeLinear(int8 [3,4], scale), transB) -> matmul(m.w [3,2]). */
    private static ModelGraph graph() {
        return ModelGraph.builder("p").input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 6}))
                .initializer("a.w", Nd4j.ones(DataType.FLOAT, 4, 6))
                .initializer("q.wq", Nd4j.ones(DataType.INT8, 3, 4))
                .initializer("q.s", Nd4j.scalar(0.5f))
                .initializer("m.w", Nd4j.ones(DataType.FLOAT, 3, 2))
                .node(new Node("a", "Gemm", List.of("x", "a.w"), List.of("y1"), Map.of("transB", 1L)))
                .node(new Node("dq", "DequantizeLinear", List.of("q.wq", "q.s"), List.of("q.w"), Map.of()))
                .node(new Node("q", "Gemm", List.of("y1", "q.w"), List.of("y2"), Map.of("transB", 1L)))
                .node(new Node("m", "MatMul", List.of("y2", "m.w"), List.of("y3"), Map.of()))
                .output(new ValueInfo("y3", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                .build();
    }

    @Test
    void quantizedWeightsAreNotPruneTargets() {
        ModelGraph g = graph();
        assertEquals(Map.of("a", "a.w", "m", "m.w"), PrunableLayers.byNode(g));
        assertEquals(List.of("a.w", "m.w"), PrunableLayers.of(g));
        assertTrue(UnitGroups.takes(g, "a.w", Granularity.NEURON));
        assertFalse(UnitGroups.takes(g, "q.wq", Granularity.ELEMENT));
        assertFalse(UnitGroups.takes(g, "m.w", Granularity.NEURON));
    }
}
