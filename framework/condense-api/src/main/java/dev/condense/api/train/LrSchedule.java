package dev.condense.api.train;

/**
 * Learning-rate schedule over epochs, applied to {@link OptimizerSpec#lr()} (the base rate {@code lr0}).
 * With {@code perStep} the cosine's clock is the optimizer step instead of the epoch: {@code epoch} below reads
 * {@code step / stepsPerEpoch} (a fraction), so the rate decays within an epoch too, as BERT-style fine-tuning of a
 * run of one or two epochs needs. The step schedule is per epoch only.
 *
 * <ul>
 *   <li>{@code constant}: {@code lr0} throughout.</li>
 *   <li>{@code step}: {@code lr0 * gamma^floor(epoch / stepEpochs)} (epochs counted from 0).</li>
 *   <li>{@code cosine}: {@code minLr + (lr0 - minLr) * (1 + cos(pi * epoch / epochs)) / 2}, cosine annealing without
 *       restarts (Loshchilov &amp; Hutter, "SGDR", ICLR 2017) over the run's {@code epochs}.</li>
 * </ul>
 *
 * @param kind       {@code constant}, {@code step} or {@code cosine}
 * @param stepEpochs epochs per step, &gt;= 1 (step only; 1 otherwise)
 * @param gamma      step decay factor in (0, 1] (step only; 1 otherwise)
 * @param minLr      final learning rate of cosine, &gt;= 0 (0 otherwise)
 * @param perStep    cosine only: the rate is recomputed every optimizer step instead of every epoch
 */
public record LrSchedule(String kind, int stepEpochs, double gamma, double minLr, boolean perStep) {

    public LrSchedule {
        if (!"constant".equals(kind) && !"step".equals(kind) && !"cosine".equals(kind)) {
            throw new IllegalArgumentException("lr schedule must be constant, step or cosine, was " + kind);
        }
        if (stepEpochs < 1) {
            throw new IllegalArgumentException("step-epochs must be >= 1, was " + stepEpochs);
        }
        if (!(gamma > 0) || gamma > 1) {
            throw new IllegalArgumentException("gamma must be in (0, 1], was " + gamma);
        }
        if (minLr < 0) {
            throw new IllegalArgumentException("min-lr must be >= 0, was " + minLr);
        }
        if (perStep && !"cosine".equals(kind)) {
            throw new IllegalArgumentException("per: step applies to the cosine schedule only, not " + kind);
        }
    }

    /** A per-epoch schedule. */
    public LrSchedule(String kind, int stepEpochs, double gamma, double minLr) {
        this(kind, stepEpochs, gamma, minLr, false);
    }

    public static LrSchedule constant() {
        return new LrSchedule("constant", 1, 1, 0);
    }

    public static LrSchedule step(int stepEpochs, double gamma) {
        return new LrSchedule("step", stepEpochs, gamma, 0);
    }

    public static LrSchedule cosine(double minLr) {
        return new LrSchedule("cosine", 1, 1, minLr);
    }

    /** Cosine annealing recomputed at every optimizer step, from {@code lr0} at the first to {@code minLr} after the last. */
    public static LrSchedule cosinePerStep(double minLr) {
        return new LrSchedule("cosine", 1, 1, minLr, true);
    }
}
