package dev.condense.engine.train;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * Cosine annealing per epoch (Loshchilov &amp; Hutter, "SGDR", ICLR 2017, without restarts):
 * {@code lr(e) = min + (base - min) * (1 + cos(pi * min(e, epochs) / epochs)) / 2}, {@code e} counted from 0.
 */
final class CosineSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;
    private final double base;
    private final double min;
    private final int epochs;

    CosineSchedule(double base, double min, int epochs) {
        this.base = base;
        this.min = min;
        this.epochs = Math.max(1, epochs);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return min + (base - min) * (1 + Math.cos(Math.PI * Math.min(epoch, epochs) / epochs)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new CosineSchedule(base, min, epochs);
    }
}
