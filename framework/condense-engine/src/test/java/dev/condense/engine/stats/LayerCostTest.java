package dev.condense.engine.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.engine.fixtures.QuantizedFixtures;
import dev.condense.engine.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerCostTest {

    @Test
    void lenet300100CountsInTimesOutPerLayer() {
        List<LayerCost> c = LayerCost.of(Zoo.build("lenet-300-100", 1));
        assertEquals(List.of(784L * 300, 300L * 100, 100L * 10), c.stream().map(LayerCost::macs).toList());
    }

    @Test
    void lenet5ConvolutionsCountOutputPositions() {
        List<LayerCost> c = LayerCost.of(Zoo.build("lenet-5", 1));
        // conv1: 20 filters 1x5x5 over a 24x24 output; conv2: 50 filters 20x5x5 over 8x8; fc 800x500, 500x10
        assertEquals(List.of(20L * 25 * 24 * 24, 50L * 20 * 25 * 8 * 8, 800L * 500, 500L * 10),
                c.stream().map(LayerCost::macs).toList());
        assertEquals(288_000L + 1_600_000L + 400_000L + 5_000L, LayerCost.total(Zoo.build("lenet-5", 1)));
    }

    @Test
    void aWeightBehindDequantizeLinearIsCountedUnderItsStoredInitializer() {
        List<LayerCost> c = LayerCost.of(QuantizedFixtures.planted());
        // conv 3x2x3x3 over a 4x4 output; gemm reads the int8 [5, 48] through DequantizeLinear; mm1's weight is
        // computed (a Transpose), so it is not a weighted layer; mm2 [4, 2]
        assertEquals(List.of("conv", "gemm", "mm2"), c.stream().map(LayerCost::node).toList());
        assertEquals(List.of(54L * 16, 5L * 48, 8L), c.stream().map(LayerCost::macs).toList());
        assertEquals("q.wq", c.get(1).weight());
    }
}
