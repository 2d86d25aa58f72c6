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
 * trainer as L2 regularization. Schedules are per epoch: {@link StepSchedule} for step, {@link CosineSchedule}
 * for cosine.
 */
final class Updaters {
    private Updaters() {
    }

    static IUpdater of(OptimizerSpec opt, LrSchedule schedule, int epochs) {
        ISchedule lr = schedule(opt.lr(), schedule, epochs);
        return switch (opt.kind()) {
            case "adam" -> new Adam(lr);
            case "sgd" -> opt.momentum() > 0 ? new Nesterovs(lr, opt.momentum()) : new Sgd(lr);
            default -> throw new IllegalArgumentException("unknown optimizer " + opt.kind());
        };
    }

    static ISchedule schedule(double base, LrSchedule s, int epochs) {
        return switch (s.kind()) {
            case "constant" -> new FixedSchedule(base);
            case "step" -> new StepSchedule(ScheduleType.EPOCH, base, s.gamma(), s.stepEpochs());
            case "cosine" -> new CosineSchedule(base, s.minLr(), epochs);
            default -> throw new IllegalArgumentException("unknown lr schedule " + s.kind());
        };
    }
}
