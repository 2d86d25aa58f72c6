package dev.condense.kernel.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void oneShotReachesTheTargetInOneStep() {
        Schedule s = new Schedule.OneShot();
        assertEquals(1, s.steps());
        assertEquals(0.9, s.target(0.9, 1));
        assertEquals(Optional.empty(), s.finetune());
        assertThrows(IllegalArgumentException.class, () -> s.target(0.9, 2));
    }

    @Test
    void cubicRampPrunesFastFirstAndEndsExactlyOnTarget() {
        Schedule s = new Schedule.Iterative(3, Optional.empty(), Schedule.Ramp.CUBIC);
        assertEquals(0.9 * (1 - 8.0 / 27), s.target(0.9, 1), 1e-12);
        assertEquals(0.9 * (1 - 1.0 / 27), s.target(0.9, 2), 1e-12);
        assertEquals(0.9, s.target(0.9, 3));
    }

    @Test
    void linearRampGrowsEvenly() {
        Schedule s = new Schedule.Iterative(4, Optional.empty(), Schedule.Ramp.LINEAR);
        assertEquals(0.2, s.target(0.8, 1), 1e-12);
        assertEquals(0.6, s.target(0.8, 3), 1e-12);
        assertEquals(0.8, s.target(0.8, 4));
        assertThrows(IllegalArgumentException.class, () -> s.target(0.8, 0));
    }

    @Test
    void validatesSteps() {
        assertThrows(IllegalArgumentException.class, () -> new Schedule.Iterative(0, Optional.empty(), Schedule.Ramp.CUBIC));
        assertEquals("cubic", Schedule.Ramp.CUBIC.id());
    }
}
