package dev.condense.engine.bench;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Splits SameDiff training wall time per op type into the native op itself (from {@code preOpExecution} to
 * {@code opExecution}) and the time before it since the previous event ("outside": SameDiff's scheduling,
 * output allocation and shape calculation for that op, and the parameter subtraction of the previous updater
 * step), plus the updater ({@code opExecution} of a gradient to {@code preUpdate}: Adam's op) and the data feed
 * (the ETL time SameDiff reports per iteration). Time from the last event to the end of the iteration is
 * "iteration end (listeners)".
 */
final class OpTimer extends BaseListener {
    /** Per key: native ns, outside ns, calls. */
    private final Map<String, long[]> byOp = new HashMap<>();
    private long last;
    private long opStart;
    private long total;
    private long etlMs;

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void iterationStart(SameDiff sd, At at, MultiDataSet data, long etlMs) {
        last = System.nanoTime();
        this.etlMs += etlMs;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        opStart = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        long now = System.nanoTime();
        long[] v = byOp.computeIfAbsent(op.getOp().opName(), k -> new long[3]);
        v[0] += now - opStart;
        v[1] += opStart - last;
        v[2]++;
        total += now - last;
        last = now;
    }

    @Override
    public void preUpdate(SameDiff sd, At at, Variable v, INDArray update) {
        charge("updater (adam_updater op)");
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet data, Loss loss) {
        charge("iteration end (listeners)");
    }

    private void charge(String key) {
        long now = System.nanoTime();
        long[] v = byOp.computeIfAbsent(key, k -> new long[3]);
        v[1] += now - last;
        v[2]++;
        total += now - last;
        last = now;
    }

    void print(int top) {
        long nativeNs = byOp.values().stream().mapToLong(v -> v[0]).sum();
        System.out.printf("SameDiff training time by op (%.1f s in iterations; data feed outside them %.1f s):%n",
                total / 1e9, etlMs / 1e3);
        System.out.printf("  native op execution %.1f%%, outside ops (scheduling, allocation, updater, listeners) %.1f%%%n",
                100.0 * nativeNs / total, 100.0 * (total - nativeNs) / total);
        System.out.printf("  %6s %6s %6s  %-30s %8s %10s %10s%n", "total", "native", "outside", "op", "calls",
                "us/call", "outside us");
        byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1],
                a.getValue()[0] + a.getValue()[1])).limit(top).forEach(e -> {
                    long[] v = e.getValue();
                    System.out.printf("  %5.1f%% %5.1f%% %5.1f%%  %-30s %8d %10.1f %10.1f%n", 100.0 * (v[0] + v[1]) / total,
                            100.0 * v[0] / total, 100.0 * v[1] / total, e.getKey(), v[2], (v[0] + v[1]) / 1e3 / v[2],
                            v[1] / 1e3 / v[2]);
                });
    }
}
