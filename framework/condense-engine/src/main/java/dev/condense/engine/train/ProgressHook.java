package dev.condense.engine.train;

/**
 * Reports a run to a {@link TrainingProgress}: {@code preparing} when lowering starts, {@code prepared} and
 * {@code epochStart} before the first step, {@code epochStart} before the first step of every later epoch,
 * {@code batchDone} after every step with its loss, {@code epochEnd} with the epoch's mean loss and samples/s.
 */
public final class ProgressHook implements TrainingHook {
    private final TrainingProgress progress;
    private int nodes;
    private long preparing;

    public ProgressHook(TrainingProgress progress) {
        this.progress = progress;
    }

    @Override
    public void lower(Lowering lowering) {
        nodes = lowering.graph().nodes().size();
        preparing = System.nanoTime();
        progress.preparing(nodes);
    }

    @Override
    public void beforeStep(StepState step) {
        if (step.batch() != 1) {
            return;
        }
        if (step.epoch() == 1) {
            progress.prepared(nodes, (System.nanoTime() - preparing) / 1e9);
        }
        progress.epochStart(step.epoch(), step.epochs(), step.batches());
    }

    @Override
    public void afterStep(StepState step) {
        progress.batchDone(step.loss());
    }

    @Override
    public void epochEnd(EpochSummary epoch) {
        progress.epochEnd(epoch.epoch(), epoch.epochs(), epoch.meanLoss(), epoch.samplesPerSec());
    }
}
