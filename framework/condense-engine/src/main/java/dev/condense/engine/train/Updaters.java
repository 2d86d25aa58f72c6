package dev.condense.engine.train;

import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Maps an {@link OptimizerSpec} and {@link LrSchedule} to an ND4J updater: Adam (Kingma &amp; Ba 2015), SGD, or
 * SGD with Nesterov momentum when {@code momentum > 0} (Sutskever et al. 2013). Weight decay is applied by the
 * trainer as L2 regularization. Schedules: {@link StepSchedule} per epoch for step, {@link CosineSchedule} per
 * epoch or, when the schedule asks, per step for cosine.
 */
final class Updaters {
    private Updaters() {
    }

    /** {@code stepsPerEpoch}: optimizer steps in one epoch (used by a per-step schedule only). */
    static IUpdater of(OptimizerSpec opt, LrSchedule schedule, int epochs, int stepsPerEpoch) {
        ISchedule lr = schedule(opt.lr(), schedule, epochs, stepsPerEpoch);
        return switch (opt.kind()) {
            case "adam" -> new Adam(lr);
            case "sgd" -> opt.momentum() > 0 ? new Nesterovs(lr, opt.momentum()) : new Sgd(lr);
            default -> throw new IllegalArgumentException("unknown optimizer " + opt.kind());
        };
    }

    static ISchedule schedule(double base, LrSchedule s, int epochs, int stepsPerEpoch) {
        return switch (s.kind()) {
            case "constant" -> new FixedSchedule(base);
            case "step" -> new StepSchedule(ScheduleType.EPOCH, base, s.gamma(), s.stepEpochs());
            case "cosine" -> new CosineSchedule(base, s.minLr(), epochs, s.perStep() ? stepsPerEpoch : 0);
            default -> throw new IllegalArgumentException("unknown lr schedule " + s.kind());
        };
    }
}
