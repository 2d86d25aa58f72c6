package dev.condense.kernel.stage.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
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

    @Test
    void agpFollowsZhuAndGuptasCubicFromTheStartSparsity() {
        TrainSpec ft = new TrainSpec(1, 128, OptimizerSpec.adam(1e-3), 0);
        Schedule s = new Schedule.Agp(4, ft, 0.0);
        double[] expected = {0.9 * (1 - Math.pow(0.75, 3)), 0.9 * (1 - Math.pow(0.5, 3)), 0.9 * (1 - Math.pow(0.25, 3)), 0.9};
        for (int k = 1; k <= 4; k++) {
            assertEquals(expected[k - 1], s.target(0.9, k), 1e-12, "step " + k);
            assertEquals(new Schedule.Iterative(4, Optional.empty(), Schedule.Ramp.CUBIC).target(0.9, k), s.target(0.9, k), 1e-12);
        }
        assertEquals(Optional.of(ft), s.finetune());
        Schedule warm = new Schedule.Agp(2, ft, 0.5);
        assertEquals(0.9 + (0.5 - 0.9) * 0.125, warm.target(0.9, 1), 1e-12);
        assertEquals(0.3, warm.target(0.3, 1), 1e-12, "a start above the target is clamped to it");
        assertThrows(IllegalArgumentException.class, () -> new Schedule.Agp(2, ft, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Schedule.Agp(0, ft, 0.0));
    }
}
