package dev.condense.engine.train;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the training thread per op name inside planned training steps, for the training benchmarks
 * (bench/run.sh TrainThroughput with {@code -Dcondense.plan.profile=true}); off by default, when {@link OpPlan} pays
 * one boolean test per op. With one OpenMP and one ONNX Runtime thread (the defaults) every op runs on the calling
 * thread, so this is the op's own CPU time, not inflated by other processes on a loaded machine; with more threads
 * it misses the helpers' time.
 */
public final class PlanProfile {
    /** Whether planned steps time their ops (system property {@code condense.plan.profile}). */
    static final boolean ON = Boolean.getBoolean("condense.plan.profile");
    /** Whether ops are told apart by their first input's shape as well (system property
     * {@code condense.plan.profile.shapes}), to separate the layers of one kind. */
    static final boolean SHAPES = Boolean.getBoolean("condense.plan.profile.shapes");
    private static final Map<String, long[]> TIMES = new TreeMap<>();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PlanProfile() {
    }

    /** The calling thread's CPU time in nanoseconds. */
    static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Adds one call of {@code op} taking {@code nanos}. */
    static synchronized void add(String op, long nanos) {
        long[] t = TIMES.computeIfAbsent(op, k -> new long[2]);
        t[0] += nanos;
        t[1]++;
    }

    /** Forgets the times so far (e.g. after warm-up). */
    public static synchronized void reset() {
        TIMES.clear();
    }

    /** One line per op name, largest total first: total ms, share of all ops, calls, microseconds per call. */
    public static synchronized String table() {
        long total = TIMES.values().stream().mapToLong(t -> t[0]).sum();
        StringBuilder b = new StringBuilder(String.format("planned ops: %.1f ms thread CPU time in total%n", total / 1e6));
        TIMES.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                .forEach(e -> b.append(String.format("%-36s %10.1f ms %5.1f%% %8d calls %9.1f us/call%n", e.getKey(),
                        e.getValue()[0] / 1e6, 100.0 * e.getValue()[0] / Math.max(1, total), e.getValue()[1],
                        e.getValue()[0] / 1e3 / e.getValue()[1])));
        return b.toString();
    }
}
