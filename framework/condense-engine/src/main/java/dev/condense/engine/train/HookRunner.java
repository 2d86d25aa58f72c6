package dev.condense.engine.train;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerResponse;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.listeners.records.LossCurve;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.loss.SoftmaxCrossEntropyLoss;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Drives the per-step and per-epoch phases of the {@link TrainingHook}s from {@link TrainingLoop}: it is the loop's
 * {@link TrainingLoop.BatchFeeds} (each batch: {@link TrainingHook#beforeStep}, whose feeds become placeholders)
 * and a SameDiff listener (after each iteration: the loss check, then {@link TrainingHook#afterStep}; after each
 * epoch: {@link TrainingHook#epochEnd}). It hands the hooks' {@link TrainingHook#observed} variables to the step as
 * their ops execute, and measures the batch loss, which the run reports and checks.
 */
final class HookRunner extends BaseListener implements TrainingLoop.BatchFeeds {
    private final String logits;
    private final List<TrainingHook> hooks;
    private final SameDiff sd;
    private final int epochs;
    private final int rows;
    private final int batchesPerEpoch;
    private final double lr;
    private final Set<String> runFeeds;
    private final Set<String> observed = new java.util.HashSet<>();
    private StepState step;
    private int epoch;
    private int batch;
    private double lossSum;
    private long epochStart;
    private double lastEpochLoss = Double.NaN;
    private double batchLoss = Double.NaN;
    private boolean lossSeen;

    /**
     * @param logits name of the student's logits variable {@code [N, C]}
     * @param rows   training rows per epoch
     * @param batch  rows per batch
     * @param lr     the configured learning rate, for the divergence message
     * @param runFeeds placeholders the loop itself feeds (features, labels)
     */
    HookRunner(String logits, List<TrainingHook> hooks, SameDiff sd, int epochs, int rows, int batch, double lr,
               Set<String> runFeeds) {
        this.runFeeds = Set.copyOf(runFeeds);
        this.logits = logits;
        this.hooks = List.copyOf(hooks);
        this.sd = sd;
        this.epochs = epochs;
        this.rows = rows;
        this.batchesPerEpoch = (rows + batch - 1) / batch;
        this.lr = lr;
        hooks.forEach(h -> observed.addAll(h.observed()));
    }

    /** Mean batch loss of the last finished epoch (NaN before the first). */
    double lastEpochLoss() {
        return lastEpochLoss;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void epochStart(SameDiff sd, At at) {
        epoch = at.epoch() + 1;
        batch = 0;
        lossSum = 0;
        epochStart = System.nanoTime();
    }

    @Override
    public Map<String, INDArray> of(INDArray features, int[] rows) {
        batch++;
        step = new StepState(sd, epoch, epochs, batch, batchesPerEpoch, features, rows);
        for (TrainingHook h : hooks) {
            h.beforeStep(step);
        }
        if (epoch == 1 && batch == 1) {
            requireFed(step.feeds());
        }
        return step.feeds();
    }

    /** A placeholder a hook added but no hook feeds (a teacher tap without its teacher feed) is named here. */
    private void requireFed(Map<String, INDArray> feeds) {
        for (String p : sd.inputs()) {
            if (!runFeeds.contains(p) && !feeds.containsKey(p)) {
                throw new IllegalStateException("placeholder '" + p + "' of the training graph is fed by no hook"
                        + (p.startsWith(TeacherFeed.LOGITS) ? ": add the TeacherFeed to the run's hooks" : ""));
            }
        }
    }

    /**
     * Computes the batch loss from the logits as their op executes. ND4J 1.0.0-M2.1's training session runs only
     * the loss gradient op, never the forward loss op (not even when a listener requires it), so the
     * {@code Loss} handed to {@code iterationDone} is 0; this is the softmax cross-entropy with the true labels,
     * mean over rows, as one native op on the logits (float32), whatever loss the run trains on.
     */
    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet data, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        if (!observed.isEmpty()) {
            List<String> names = op.getOutputsOfOp();
            for (int k = 0; k < names.size() && k < outputs.length; k++) {
                if (observed.contains(names.get(k))) {
                    step.observe(names.get(k), outputs[k].dup());
                }
            }
        }
        int i = op.getOutputsOfOp().indexOf(logits);
        if (i >= 0 && i < outputs.length) {
            INDArray[] loss = Nd4j.exec(new SoftmaxCrossEntropyLoss(data.getLabels(0), outputs[i], null,
                    LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0));
            batchLoss = loss[0].getDouble(0);
            lossSeen = true;
        }
    }

    /** @throws TrainingDivergedException at the first batch whose loss is not finite, before any hook sees it */
    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet data, Loss loss) {
        if (lossSeen && !Double.isFinite(batchLoss)) {
            throw new TrainingDivergedException(epoch, batch, batchLoss, lr);
        }
        lossSeen = false;
        lossSum += batchLoss;
        step.loss(batchLoss);
        for (TrainingHook h : hooks) {
            h.afterStep(step);
        }
    }

    @Override
    public ListenerResponse epochEnd(SameDiff sd, At at, LossCurve lossCurve, long epochTimeMillis) {
        lastEpochLoss = lossSum / Math.max(1, batch);
        EpochSummary summary = new EpochSummary(epoch, epochs, lastEpochLoss, rows,
                (System.nanoTime() - epochStart) / 1e9);
        for (TrainingHook h : hooks) {
            h.epochEnd(summary);
        }
        return ListenerResponse.CONTINUE;
    }
}
