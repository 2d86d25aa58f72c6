package dev.condense.engine.train;

/**
 * The end of one epoch ({@link TrainingHook#epochEnd}).
 *
 * @param epoch    1-based epoch
 * @param epochs   number of epochs of the run
 * @param meanLoss mean over the epoch's batches of the batch loss ({@link StepState#loss()})
 * @param rows     training rows per epoch
 * @param seconds  wall time of the epoch, seconds
 */
public record EpochSummary(int epoch, int epochs, double meanLoss, int rows, double seconds) {

    /** Throughput of the epoch, rows per second. */
    public double samplesPerSec() {
        return rows / seconds;
    }
}
