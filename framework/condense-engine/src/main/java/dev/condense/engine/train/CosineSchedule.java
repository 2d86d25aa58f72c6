package dev.condense.engine.train;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * Cosine annealing (Loshchilov &amp; Hutter, "SGDR", ICLR 2017, without restarts):
 * {@code lr(t) = min + (base - min) * (1 + cos(pi * min(t, T) / T)) / 2}. Per epoch ({@code stepsPerEpoch} 0),
 * {@code t} is the epoch index from 0 and {@code T = epochs}; per step, {@code t} is the optimizer step (ND4J's
 * iteration count, from 0 within a training run) and {@code T = epochs * stepsPerEpoch}.
 */
final class CosineSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;
    private final double base;
    private final double min;
    private final int epochs;
    private final int stepsPerEpoch;

    /** Per epoch. */
    CosineSchedule(double base, double min, int epochs) {
        this(base, min, epochs, 0);
    }

    /** Per step when {@code stepsPerEpoch > 0}, per epoch when 0. */
    CosineSchedule(double base, double min, int epochs, int stepsPerEpoch) {
        if (stepsPerEpoch < 0) {
            throw new IllegalArgumentException("steps per epoch must be >= 0, was " + stepsPerEpoch);
        }
        this.base = base;
        this.min = min;
        this.epochs = Math.max(1, epochs);
        this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double fraction = stepsPerEpoch == 0
                ? (double) Math.min(epoch, epochs) / epochs
                : Math.min(iteration, (double) epochs * stepsPerEpoch) / ((double) epochs * stepsPerEpoch);
        return min + (base - min) * (1 + Math.cos(Math.PI * fraction)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new CosineSchedule(base, min, epochs, stepsPerEpoch);
    }
}
