package dev.condense.engine.train;

/**
 * Callbacks about a training run, made by its {@link ProgressHook}; implementations draw progress bars or log lines.
 */
public interface TrainingProgress {

    /**
     * Called before the graph of {@code nodes} IR nodes is lowered to SameDiff and its gradient function built,
     * which precede the first epoch and take seconds to minutes on graphs of thousands of nodes.
     */
    default void preparing(int nodes) {
    }

    /**
     * Called when the run is ready for its first step (graph lowered, gradient function built, batches drawn),
     * {@code seconds} after {@link #preparing}.
     */
    default void prepared(int nodes, double seconds) {
    }

    /** Called before epoch {@code epoch} (1-based) of {@code epochs}, which has {@code batches} batches. */
    void epochStart(int epoch, int epochs, int batches);

    /** Called after each batch with its training loss (mean softmax cross-entropy over the batch). */
    void batchDone(double loss);

    /** Called after each epoch with its mean batch loss and the throughput in samples per second. */
    void epochEnd(int epoch, int epochs, double meanLoss, double samplesPerSec);

    /** A progress that reports nothing. */
    TrainingProgress SILENT = new TrainingProgress() {
        @Override
        public void epochStart(int epoch, int epochs, int batches) {
        }

        @Override
        public void batchDone(double loss) {
        }

        @Override
        public void epochEnd(int epoch, int epochs, double meanLoss, double samplesPerSec) {
        }
    };
}
