package dev.condense.engine.train;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Keeps BatchNormalization running statistics during SameDiff training. SameDiff has no in-graph assignment, so
 * the outputs of the ops computing every BN node's batch mean and variance are copied as they execute, and after
 * each iteration
 * {@code running = momentum * running + (1 - momentum) * batch} is applied (in place, ND4J ops) to copies of the
 * graph's running-mean/var initializers. {@link #running()} returns those copies for the trained graph.
 */
final class BatchNormTracker extends BaseListener {
    private final List<BatchNormStats> stats;
    private final Map<String, INDArray> running = new LinkedHashMap<>();
    private final Map<String, INDArray> batch = new HashMap<>();
    private final java.util.Set<String> wanted = new java.util.HashSet<>();

    BatchNormTracker(List<BatchNormStats> stats, Map<String, INDArray> initializers) {
        this.stats = List.copyOf(stats);
        stats.forEach(s -> wanted.addAll(List.of(s.batchMean(), s.batchVar())));
        for (BatchNormStats s : stats) {
            running.put(s.runningMean(), initializers.get(s.runningMean()).dup());
            running.put(s.runningVar(), initializers.get(s.runningVar()).dup());
        }
    }

    /** Updated running statistics by initializer name. */
    Map<String, INDArray> running() {
        return running;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING && !stats.isEmpty();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet data, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        List<String> names = op.getOutputsOfOp();
        for (int i = 0; i < names.size() && i < outputs.length; i++) {
            if (wanted.contains(names.get(i))) {
                batch.put(names.get(i), outputs[i].dup());
            }
        }
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet data, Loss loss) {
        for (BatchNormStats s : stats) {
            update(s.runningMean(), s.batchMean(), s.momentum());
            update(s.runningVar(), s.batchVar(), s.momentum());
        }
        batch.clear();
    }

    private void update(String runningName, String batchName, double momentum) {
        INDArray b = batch.get(batchName);
        if (b == null) {
            throw new IllegalStateException("SameDiff did not report BatchNormalization statistic " + batchName);
        }
        running.get(runningName).muli(momentum).addi(b.reshape(running.get(runningName).shape()).mul(1 - momentum));
    }
}
