package dev.condense.kernel.stage.prune;

import dev.condense.api.train.TrainSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * How a prune stage reaches its target: all at once, or in steps with optional fine-tuning after each.
 *
 * <p>For a layer whose final target is {@code s}, step {@code k} of {@code n} (1-based) prunes to
 * {@link #target(double, int)}; the last step always reaches {@code s} exactly.
 */
public sealed interface Schedule {

    /** Number of pruning steps, at least 1. */
    int steps();

    /** The sparsity to reach after step {@code k} (1..steps) for a final target {@code s}. */
    double target(double s, int k);

    /** Fine-tuning after each step, if any. */
    Optional<TrainSpec> finetune();

    /** Prune once to the target; no fine-tuning inside the stage. */
    record OneShot() implements Schedule {
        @Override
        public int steps() {
            return 1;
        }

        @Override
        public double target(double s, int k) {
            Schedule.checkStep(k, 1);
            return s;
        }

        @Override
        public Optional<TrainSpec> finetune() {
            return Optional.empty();
        }
    }

    /**
     * Prune in {@code steps} steps, fine-tuning after each when {@code finetune} is given.
     *
     * @param steps    number of steps, in [1, 1000]
     * @param finetune training after each step, or empty
     * @param ramp     how targets grow from step to step (default {@link Ramp#CUBIC})
     */
    record Iterative(int steps, Optional<TrainSpec> finetune, Ramp ramp) implements Schedule {
        public Iterative {
            if (steps < 1 || steps > 1000) {
                throw new IllegalArgumentException("steps must be in [1, 1000], was " + steps);
            }
            Objects.requireNonNull(finetune, "finetune");
            Objects.requireNonNull(ramp, "ramp");
        }

        @Override
        public double target(double s, int k) {
            Schedule.checkStep(k, steps);
            return k == steps ? s : ramp.fraction(k, steps) * s;
        }
    }

    /**
     * Automated gradual pruning (Zhu and Gupta, "To prune, or not to prune: exploring the efficacy of pruning for
     * model compression", 2017): {@code s_k = s + (s_i - s) * (1 - k/n)^3} for step {@code k} of {@code n}, where
     * {@code s_i = min(start, s)} is the sparsity at step 0 (the model as it enters the stage); every step is followed
     * by fine-tuning, so the network recovers between prunes. With {@code start = 0} the targets equal
     * {@link Iterative} with {@link Ramp#CUBIC}; AGP makes the fine-tuning mandatory and the initial sparsity explicit.
     *
     * @param steps        number of prune + fine-tune rounds, in [1, 1000]
     * @param finetuneSpec training after each step
     * @param start        initial sparsity {@code s_i}, in [0, 1)
     */
    record Agp(int steps, TrainSpec finetuneSpec, double start) implements Schedule {
        public Agp {
            if (steps < 1 || steps > 1000) {
                throw new IllegalArgumentException("steps must be in [1, 1000], was " + steps);
            }
            Objects.requireNonNull(finetuneSpec, "finetune");
            if (!(start >= 0 && start < 1)) {
                throw new IllegalArgumentException("start must be in [0, 1), was " + start);
            }
        }

        @Override
        public double target(double s, int k) {
            Schedule.checkStep(k, steps);
            double si = Math.min(start, s);
            return k == steps ? s : s + (si - s) * Math.pow(1 - (double) k / steps, 3);
        }

        @Override
        public Optional<TrainSpec> finetune() {
            return Optional.of(finetuneSpec);
        }
    }

    /** The growth of per-step targets. */
    enum Ramp {
        /** {@code s_k = s * k/n}. */
        LINEAR,
        /**
         * {@code s_k = s * (1 - (1 - k/n)^3)}: prunes fast while many redundant weights remain and slowly near the
         * end (Zhu and Gupta, "To prune, or not to prune", 2017). The default.
         */
        CUBIC;

        /** The fraction of the final target reached after step {@code k} of {@code n}. */
        public double fraction(int k, int n) {
            double t = (double) k / n;
            return this == LINEAR ? t : 1 - Math.pow(1 - t, 3);
        }

        /** The recipe id: {@code linear} or {@code cubic}. */
        public String id() {
            return name().toLowerCase();
        }
    }

    private static void checkStep(int k, int n) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("step must be in [1, " + n + "], was " + k);
        }
    }
}
