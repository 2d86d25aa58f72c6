package dev.condense.engine.runtime;

import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Times a model against a reference model in one process, alternating single calls (A, B, A, B, ...), so that the
 * machine's load, CPU frequency and cache state at any moment hit both alike; the result is the ratio of the two
 * with its spread over rounds ({@link LatencyComparison}).
 *
 * <p>Both files are opened in ONNX Runtime with the same session options and the same intra-op thread count and are
 * fed the same seeded uniform [0,1) float32 input of {@code inputShape} (a prepared tensor: only
 * {@code session.run} is timed, not the copies in and out). First {@code warmup} untimed calls of each, alternating;
 * then {@code rounds} rounds of {@code calls} calls of each (more for fast models, see {@link Plan}), alternating
 * call by call. Even rounds start with the reference, odd rounds with the model, so neither side always runs right
 * after the other.
 *
 * <p>Each call is timed twice: wall clock, and the CPU time of the calling thread. With one intra-op thread ONNX
 * Runtime computes on the calling thread, so its CPU time is the work of the call without the time the thread
 * waited for a core while other processes ran; the speed-up is then taken from CPU time ({@link Result#ratio}), and
 * two timings of one file agree within a few percent even on a loaded machine. With more threads the work is spread
 * over pool threads the calling thread's CPU time does not see, and the speed-up is taken from wall-clock time.
 */
public final class InterleavedLatency {

    /** Most calls of each model per round when {@link Plan#minRoundMillis} raises the count. */
    static final int MAX_CALLS = 256;

    /**
     * How many calls to make.
     *
     * @param warmup         untimed calls of each model before timing, >= 0
     * @param rounds         rounds, >= 1 (an odd count makes the median one round's ratio)
     * @param calls          timed calls of each model per round, >= 1
     * @param minRoundMillis when > 0 (and warmup >= 1), the calls per round are raised, up to {@value #MAX_CALLS},
     *                       until one model's calls of a round take about this long by the warm-up's median wall
     *                       time of the faster model: a fast model then gets medians of many calls per round
     */
    public record Plan(int warmup, int rounds, int calls, double minRoundMillis) {
        public Plan {
            if (warmup < 0 || rounds < 1 || calls < 1 || !(minRoundMillis >= 0)) {
                throw new IllegalArgumentException("need warmup >= 0, rounds >= 1, calls >= 1 and minRoundMillis >= 0,"
                        + " got " + warmup + ", " + rounds + ", " + calls + " and " + minRoundMillis);
            }
        }

        /** A plan with a fixed number of calls per round. */
        public Plan(int warmup, int rounds, int calls) {
            this(warmup, rounds, calls, 0);
        }

        /** The calls per round for a warm-up median of {@code callNanos} per call. */
        int callsFor(double callNanos) {
            if (minRoundMillis <= 0 || !(callNanos > 0)) {
                return calls;
            }
            long wanted = (long) Math.ceil(minRoundMillis * 1e6 / callNanos);
            return (int) Math.max(calls, Math.min(MAX_CALLS, wanted));
        }
    }

    /**
     * Both timings of one comparison.
     *
     * @param wallClock wall-clock durations: the latency a caller sees under the machine's current load
     * @param cpuTime   CPU time of the calling thread: with one intra-op thread, the call's own work
     * @param cpuBased  whether {@link #ratio()} is the CPU-time comparison (one intra-op thread) or the wall-clock one
     */
    public record Result(LatencyComparison wallClock, LatencyComparison cpuTime, boolean cpuBased) {
        /** The comparison the speed-up is read from: CPU time with one intra-op thread, wall clock otherwise. */
        public LatencyComparison ratio() {
            return cpuBased ? cpuTime : wallClock;
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
    public static Result measure(Path reference, Path model, long[] inputShape, Plan plan, int intraOpThreads) {
        if (Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("latency needs a concrete input shape, got " + Arrays.toString(inputShape));
        }
        return measure(reference, model, OrtRunner.seededInput(inputShape), plan, intraOpThreads);
    }

    /**
     * As {@link #measure(Path, Path, long[], Plan, int)}, fed the given float32 input (e.g. real token rows packed by
     * {@code nlp.PackedInputs}, where uniform [0,1) values would all be token id 0).
     */
    public static Result measure(Path reference, Path model, INDArray inputValues, Plan plan, int intraOpThreads) {
        try (OrtRunner a = new OrtRunner(reference, intraOpThreads);
             OrtRunner b = new OrtRunner(model, intraOpThreads);
             OrtRunner.Feed inputA = a.feed(inputValues);
             OrtRunner.Feed inputB = b.feed(inputValues)) {
            long[] warmA = new long[plan.warmup()];
            long[] warmB = new long[plan.warmup()];
            long[] cpuScratch = new long[Math.max(1, plan.warmup())];
            for (int i = 0; i < plan.warmup(); i++) {
                a.timedRun(inputA, warmA, cpuScratch, i);
                b.timedRun(inputB, warmB, cpuScratch, i);
            }
            int calls = plan.warmup() == 0 ? plan.calls() : plan.callsFor(Math.min(median(warmA), median(warmB)));
            long[][] refWall = new long[plan.rounds()][calls];
            long[][] refCpu = new long[plan.rounds()][calls];
            long[][] modWall = new long[plan.rounds()][calls];
            long[][] modCpu = new long[plan.rounds()][calls];
            for (int r = 0; r < plan.rounds(); r++) {
                boolean referenceFirst = r % 2 == 0;
                for (int c = 0; c < calls; c++) {
                    if (referenceFirst) {
                        a.timedRun(inputA, refWall[r], refCpu[r], c);
                        b.timedRun(inputB, modWall[r], modCpu[r], c);
                    } else {
                        b.timedRun(inputB, modWall[r], modCpu[r], c);
                        a.timedRun(inputA, refWall[r], refCpu[r], c);
                    }
                }
            }
            return new Result(LatencyComparison.ofNanos(refWall, modWall), LatencyComparison.ofNanos(refCpu, modCpu),
                    intraOpThreads == 1);
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
