package dev.condense.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class WeightedLayersTest {

    private static Node node(String name, String op, List<String> in, String out) {
        return new Node(name, op, in, List.of(out), Map.of());
    }

    /**
     * x -> conv(c.w, c.b) -> relu -> flatten -> gemm(q.w via DequantizeLinear of int8 q.wq, scale, zero point; q.b)
     * -> matmul(t, a weight computed by Transpose of an initializer: not stored) -> matmul(m.w).
     */
    private static ModelGraph planted() {
        ValueInfo x = new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 4, 4});
        return ModelGraph.builder("planted").input(x)
                .initializer("c.w", Nd4j.ones(DataType.FLOAT, 3, 2, 3, 3))
                .initializer("c.b", Nd4j.zeros(DataType.FLOAT, 3))
                .initializer("q.wq", Nd4j.ones(DataType.INT8, 5, 48))
                .initializer("q.scale", Nd4j.scalar(0.5f))
                .initializer("q.zp", Nd4j.scalar(DataType.INT8, 0))
                .initializer("q.b", Nd4j.zeros(DataType.FLOAT, 5))
                .initializer("t.w", Nd4j.ones(DataType.FLOAT, 4, 5))
                .initializer("m.w", Nd4j.ones(DataType.FLOAT, 4, 2))
                .node(new Node("conv", "Conv", List.of("x", "c.w", "c.b"), List.of("y1"),
                        Map.of("pads", new long[] {1, 1, 1, 1})))
                .node(node("relu", "Relu", List.of("y1"), "y2"))
                .node(new Node("flat", "Flatten", List.of("y2"), List.of("y3"), Map.of("axis", 1L)))
                .node(node("dq", "DequantizeLinear", List.of("q.wq", "q.scale", "q.zp"), "q.w"))
                .node(new Node("gemm", "Gemm", List.of("y3", "q.w", "q.b"), List.of("y4"), Map.of("transB", 1L)))
                .node(node("tr", "Transpose", List.of("t.w"), "t.wt"))
                .node(node("mm1", "MatMul", List.of("y4", "t.wt"), "y5"))
                .node(node("mm2", "MatMul", List.of("y5", "m.w"), "y6"))
                .output(new ValueInfo("y6", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                .build();
    }

    @Test
    void findsDirectAndDequantizedWeightsAndSkipsComputedOnes() {
        ModelGraph g = planted();
        List<WeightedLayer> layers = WeightedLayers.of(g);
        assertEquals(List.of("conv", "gemm", "mm2"), layers.stream().map(WeightedLayer::name).toList());

        WeightedLayer conv = layers.get(0);
        assertEquals(WeightedLayer.Kind.CONV, conv.kind());
        assertEquals("c.w", conv.weight());
        assertEquals("c.w", conv.source());
        assertEquals("c.b", conv.bias());
        assertFalse(conv.quantized());

        WeightedLayer gemm = layers.get(1);
        assertEquals(WeightedLayer.Kind.GEMM, gemm.kind());
        assertEquals("q.w", gemm.weight(), "the float weight the Gemm reads");
        assertEquals("q.wq", gemm.source(), "the stored tensor behind the DequantizeLinear");
        assertTrue(gemm.quantized());
        assertEquals("dq", gemm.dequantize().name());
        assertEquals("q.b", gemm.bias());

        WeightedLayer mm = layers.get(2);
        assertEquals(WeightedLayer.Kind.MATMUL, mm.kind());
        assertEquals("m.w", mm.source());
        assertNull(mm.bias());
    }

    @Test
    void storedKeepsOnlyFloatInitializersReadDirectly() {
        ModelGraph g = planted();
        assertEquals(List.of("c.w", "m.w"), WeightedLayers.stored(g).stream().map(WeightedLayer::source).toList());
        Node gemm = g.nodes().stream().filter(n -> n.name().equals("gemm")).findFirst().orElseThrow();
        assertSame(gemm, WeightedLayers.at(g, gemm).node());
        Node relu = g.nodes().stream().filter(n -> n.name().equals("relu")).findFirst().orElseThrow();
        assertNull(WeightedLayers.at(g, relu));
    }

    @Test
    void aDequantizeLinearOfAComputedTensorIsNotStored() {
        ValueInfo x = new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3});
        ModelGraph g = ModelGraph.builder("computed").input(x)
                .initializer("w8", Nd4j.ones(DataType.INT8, 3, 2))
                .initializer("s", Nd4j.scalar(0.25f))
                .node(node("id", "Identity", List.of("w8"), "w8i"))
                .node(node("dq", "DequantizeLinear", List.of("w8i", "s"), "w"))
                .node(node("mm", "MatMul", List.of("x", "w"), "y"))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                .build();
        assertEquals(List.of(), WeightedLayers.of(g));
    }

    @Test
    void aDirectWeightIsItsOwnSource() {
        Node n = node("mm", "MatMul", List.of("x", "w"), "y");
        assertThrows(IllegalArgumentException.class,
                () -> new WeightedLayer(n, WeightedLayer.Kind.MATMUL, "w", "other", null, null));
        assertEquals(WeightedLayer.Kind.CONV_TRANSPOSE, WeightedLayer.Kind.of("ConvTranspose"));
        assertNull(WeightedLayer.Kind.of("Add"));
    }
}
