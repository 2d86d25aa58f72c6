package dev.condense.engine.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * A poor man's profiler: samples one thread's stack every millisecond and counts, per sample, the innermost
 * frame of {@code org.nd4j} / {@code dev.condense} code (where Java-side time goes; native calls show as their
 * Java entry point).
 */
final class StackSampler {
    private final Thread target;
    private final Map<String, Integer> counts = new HashMap<>();
    private volatile boolean running;
    private Thread sampler;
    private int total;

    StackSampler(Thread target) {
        this.target = target;
    }

    void start() {
        running = true;
        sampler = new Thread(() -> {
            while (running) {
                StackTraceElement[] st = target.getStackTrace();
                for (StackTraceElement e : st) {
                    if (e.getClassName().startsWith("org.nd4j") || e.getClassName().startsWith("dev.condense")) {
                        synchronized (counts) {
                            counts.merge(e.getClassName().replaceAll(".*\\.", "") + "." + e.getMethodName(), 1, Integer::sum);
                            total++;
                        }
                        break;
                    }
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }, "stack-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    void stop() {
        running = false;
    }

    void print(int top) {
        synchronized (counts) {
            System.out.printf("innermost ND4J/Condense frame over %d samples:%n", total);
            counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                    .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
        }
    }
}
