package dev.condense.engine.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.Zoo;
import org.junit.jupiter.api.Test;

class LayerSummaryTest {

    @Test
    void rowsAddUpToModelStatsAndLayerCostTotals() {
        ModelGraph g = Zoo.build("resnet-20-small", 5);
        LayerSummary s = LayerSummary.of(g);
        ModelStats stats = ModelStats.of(g);
        assertEquals(stats.denseParams(), s.params());
        assertEquals(stats.nonzeros(), s.nonzeros());
        assertEquals(LayerCost.total(g), s.macs());
        assertEquals(4 * s.params(), s.float32Bytes());
        LayerSummary.Row bn = s.layers().stream().filter(r -> r.opType().equals("BatchNormalization")).findFirst().orElseThrow();
        assertEquals(0, bn.macs());
        assertEquals(4 * bn.shape()[0], bn.params()); // scale, bias, mean, var
        assertTrue(s.layers().stream().noneMatch(r -> r.node().equals("(unused)")));
    }
}
