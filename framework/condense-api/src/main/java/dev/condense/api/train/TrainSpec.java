package dev.condense.api.train;

import java.util.Objects;

/**
 * How to train (or fine-tune) a graph.
 *
 * @param epochs    passes over the training split, &gt;= 0 (0 leaves the graph unchanged)
 * @param batch     mini-batch size, &gt;= 1
 * @param optimizer optimizer and learning rate
 * @param limit     use only the first {@code limit} shuffled training rows per epoch, or 0 for all
 * @param schedule  learning-rate schedule over the epochs (constant by default)
 * @param augment   augmentation of the training rows ({@link Augmentation#NONE} by default)
 * @param norms     gradient clipping and max-norm weight constraint ({@link NormConstraints#NONE} by default)
 */
public record TrainSpec(int epochs, int batch, OptimizerSpec optimizer, int limit, LrSchedule schedule,
                        Augmentation augment, NormConstraints norms) {

    public TrainSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(augment, "augment");
        Objects.requireNonNull(norms, "norms");
        if (epochs < 0 || epochs > 10_000) {
            throw new IllegalArgumentException("epochs must be in [0, 10000], was " + epochs);
        }
        if (batch < 1 || batch > 1 << 16) {
            throw new IllegalArgumentException("batch must be in [1, 65536], was " + batch);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
    }

    /** A spec without norm constraints. */
    public TrainSpec(int epochs, int batch, OptimizerSpec optimizer, int limit, LrSchedule schedule,
                     Augmentation augment) {
        this(epochs, batch, optimizer, limit, schedule, augment, NormConstraints.NONE);
    }

    /** A spec without augmentation. */
    public TrainSpec(int epochs, int batch, OptimizerSpec optimizer, int limit, LrSchedule schedule) {
        this(epochs, batch, optimizer, limit, schedule, Augmentation.NONE);
    }

    /** A spec with a constant learning rate. */
    public TrainSpec(int epochs, int batch, OptimizerSpec optimizer, int limit) {
        this(epochs, batch, optimizer, limit, LrSchedule.constant());
    }
}
