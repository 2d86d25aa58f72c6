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
import dev.condense.engine.fixtures.QuantizedFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class WeightedLayersTest {

    @Test
    void findsDirectAndDequantizedWeightsAndSkipsComputedOnes() {
        ModelGraph g = QuantizedFixtures.planted();
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
        ModelGraph g = QuantizedFixtures.planted();
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
                .node(QuantizedFixtures.node("id", "Identity", List.of("w8"), "w8i"))
                .node(QuantizedFixtures.node("dq", "DequantizeLinear", List.of("w8i", "s"), "w"))
                .node(QuantizedFixtures.node("mm", "MatMul", List.of("x", "w"), "y"))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2}))
                .build();
        assertEquals(List.of(), WeightedLayers.of(g));
    }

    @Test
    void aDirectWeightIsItsOwnSource() {
        Node n = QuantizedFixtures.node("mm", "MatMul", List.of("x", "w"), "y");
        assertThrows(IllegalArgumentException.class,
                () -> new WeightedLayer(n, WeightedLayer.Kind.MATMUL, "w", "other", null, null));
        assertEquals(WeightedLayer.Kind.CONV_TRANSPOSE, WeightedLayer.Kind.of("ConvTranspose"));
        assertNull(WeightedLayer.Kind.of("Add"));
    }
}
