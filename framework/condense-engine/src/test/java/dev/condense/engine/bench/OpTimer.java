package dev.condense.engine.bench;

import java.util.HashMap;
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
 * Attributes SameDiff training wall time to op types: the time since the previous op finished (or since the
 * iteration started) is charged to the op that just finished, so it includes SameDiff's own scheduling and
 * allocation for that op. Time from the last op to the end of the iteration (updater, listeners) is "update".
 */
final class OpTimer extends BaseListener {
    private final Map<String, long[]> byOp = new HashMap<>();
    private long last;
    private long total;

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void iterationStart(SameDiff sd, At at, MultiDataSet data, long etlMs) {
        last = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        charge(op.getOp().opName());
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet data, Loss loss) {
        charge("update (updater + listeners)");
    }

    private void charge(String key) {
        long now = System.nanoTime();
        long[] v = byOp.computeIfAbsent(key, k -> new long[2]);
        v[0] += now - last;
        v[1]++;
        total += now - last;
        last = now;
    }

    void print(int top) {
        System.out.printf("SameDiff training time by op (%.1f s total):%n", total / 1e9);
        byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                .forEach(e -> System.out.printf("  %5.1f%%  %-32s %8d calls %8.1f us/call%n", 100.0 * e.getValue()[0] / total,
                        e.getKey(), e.getValue()[1], e.getValue()[0] / 1e3 / e.getValue()[1]));
    }
}
