package dev.condense.kernel.stage.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class AllocationTest {

    /** Layer a holds the 4 lowest scores of all, b the next ones, c the highest. */
    private static List<UnitPool> planted() {
        return List.of(
                new UnitPool("a", Nd4j.createFromArray(0.1f, 0.2f, 0.3f, 0.4f, 5f), 5, 0),
                new UnitPool("b", Nd4j.createFromArray(1f, 2f, 3f, 6f, 7f), 5, 0),
                new UnitPool("c", Nd4j.createFromArray(8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f), 10, 0));
    }

    @Test
    void globalRankingRemovesTheLowestScoresWhereverTheyAre() {
        // 40% of 20 units = 8: a's four lowest, b's three lowest, then a's 5 (ties none)
        assertEquals(Map.of("a", 4L, "b", 4L, "c", 0L), Allocation.global(planted(), 0.4, 0.0));
    }

    @Test
    void floorKeepsAShareOfEveryLayerAndHandsTheRestToOthers() {
        // floor 0.6: a and b keep 3 of 5 each (cap 2), so the remaining 4 come from c's lowest
        assertEquals(Map.of("a", 2L, "b", 2L, "c", 4L), Allocation.global(planted(), 0.4, 0.6));
    }

    @Test
    void unitsRemovedInEarlierStepsCountTowardTheTarget() {
        List<UnitPool> pools = List.of(
                new UnitPool("a", Nd4j.createFromArray(0.3f, 0.4f, 5f), 5, 2),
                new UnitPool("b", Nd4j.createFromArray(1f, 2f, 3f, 6f, 7f), 5, 0));
        // 60% of 10 = 6, 2 already gone: 4 more, the lowest being a's 0.3, 0.4 and b's 1, 2
        assertEquals(Map.of("a", 2L, "b", 2L), Allocation.global(pools, 0.6, 0.0));
        assertEquals(Map.of("a", 0L, "b", 0L), Allocation.global(pools, 0.2, 0.0));
    }

    @Test
    void everyPoolKeepsOneUnit() {
        List<UnitPool> pools = List.of(new UnitPool("a", Nd4j.createFromArray(0f, 0f), 2, 0),
                new UnitPool("b", Nd4j.createFromArray(1f, 1f, 1f, 1f), 4, 0));
        assertEquals(Map.of("a", 1L, "b", 3L), Allocation.global(pools, 0.9, 0.0));
    }

    @Test
    void perLayerCountsAgainstTheOriginalSize() {
        UnitPool p = new UnitPool("a", Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f), 10, 4);
        assertEquals(3, Allocation.perLayer(p, 0.75), "floor(7.5) = 7 removed in all, 4 already");
        assertEquals(0, Allocation.perLayer(p, 0.3), "never adds units back");
        assertEquals(5, Allocation.perLayer(p, 0.99), "keeps one unit");
    }
}
