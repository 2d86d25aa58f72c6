package dev.condense.engine.train;

import java.util.Locale;

/**
 * Training stopped because a batch's loss was not finite (NaN or infinite): the weights have overflowed (or the
 * batch held a non-finite value) and every further step would train on garbage. Raised at the first such batch, so
 * a diverged run fails in seconds instead of finishing its epochs and exporting a broken model.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final int batch;

    /**
     * @param epoch 1-based epoch
     * @param batch 1-based batch within the epoch
     * @param loss  the batch's loss (NaN or infinite)
     * @param lr    the learning rate the optimizer was configured with
     */
    public TrainingDivergedException(int epoch, int batch, double loss, double lr) {
        super(String.format(Locale.ROOT, "training diverged: the loss was %s at epoch %d, batch %d; the weights "
                + "are no longer finite. Lower the learning rate (it was %s), or check the training data for NaN or "
                + "infinite values", loss, epoch, batch, lr));
        this.epoch = epoch;
        this.batch = batch;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }
}
