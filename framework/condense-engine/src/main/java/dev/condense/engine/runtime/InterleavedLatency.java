package dev.condense.engine.runtime;

import ai.onnxruntime.OnnxTensor;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times a model against a reference model in one process, alternating single calls (A, B, A, B, ...), so that the
 * machine's load, CPU frequency and cache state at any moment hit both alike; the result is the ratio of the two
 * with its spread over rounds ({@link LatencyComparison}).
 *
 * <p>Both files are opened in ONNX Runtime with the same session options and the same intra-op thread count and are
 * fed the same seeded uniform [0,1) float32 input of {@code inputShape} (a prepared tensor: only
 * {@code session.run} is timed, not the copies in and out). First {@code warmup} untimed calls of each, alternating;
 * then {@code rounds} rounds of {@code calls} calls of each, alternating call by call. Even rounds start with the
 * reference, odd rounds with the model, so neither side always runs right after the other.
 */
public final class InterleavedLatency {

    /**
     * How many calls to make.
     *
     * @param warmup untimed calls of each model before timing, >= 0
     * @param rounds rounds, >= 1 (an odd count makes the median one round's ratio)
     * @param calls  timed calls of each model per round, >= 1
     */
    public record Plan(int warmup, int rounds, int calls) {
        public Plan {
            if (warmup < 0 || rounds < 1 || calls < 1) {
                throw new IllegalArgumentException("need warmup >= 0, rounds >= 1 and calls >= 1, got " + warmup
                        + ", " + rounds + " and " + calls);
            }
        }
    }

    private InterleavedLatency() {
    }

    /**
     * @param reference      the reference model file (the denominator of the time ratio: speed-up = reference / model)
     * @param model          the model file; it must take the same input as the reference
     * @param inputShape     the input's shape, every dimension concrete (batch first)
     * @param plan           how many calls
     * @param intraOpThreads ONNX Runtime intra-op threads of both sessions, >= 1
     */
    public static LatencyComparison measure(Path reference, Path model, long[] inputShape, Plan plan,
                                            int intraOpThreads) {
        if (Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("latency needs a concrete input shape, got " + Arrays.toString(inputShape));
        }
        long[][] ref = new long[plan.rounds()][plan.calls()];
        long[][] mod = new long[plan.rounds()][plan.calls()];
        try (OrtRunner a = new OrtRunner(reference, intraOpThreads);
             OrtRunner b = new OrtRunner(model, intraOpThreads);
             OnnxTensor input = OrtRunner.tensor(OrtRunner.seededInput(inputShape))) {
            for (int i = 0; i < plan.warmup(); i++) {
                a.timedRun(input);
                b.timedRun(input);
            }
            for (int r = 0; r < plan.rounds(); r++) {
                boolean referenceFirst = r % 2 == 0;
                for (int c = 0; c < plan.calls(); c++) {
                    if (referenceFirst) {
                        ref[r][c] = a.timedRun(input);
                        mod[r][c] = b.timedRun(input);
                    } else {
                        mod[r][c] = b.timedRun(input);
                        ref[r][c] = a.timedRun(input);
                    }
                }
            }
        }
        return LatencyComparison.ofNanos(ref, mod);
    }
}
