package dev.condense.engine.runtime;

import java.util.Arrays;

/**
 * The latency of a model against a reference model, both timed interleaved in one process (see
 * {@link InterleavedLatency}): per-call statistics of each and the speed-up {@code reference / model} with its
 * spread over rounds.
 *
 * <p>A round is a block of calls made alternately to the two models (A, B, A, B, ...). Its ratio is the median of
 * the reference's calls in the round divided by the median of the model's calls in the round, so a ratio above 1
 * means the model is faster. Rounds are short (tens of milliseconds to a few seconds), so a change in the machine's
 * load hits both sides of one round alike; the median over many rounds discards the rounds that a burst of load
 * disturbed on one side only.
 *
 * <p>The verdict rule, in this order: the speed-up is {@link Verdict#TOO_NOISY} when the interquartile range of the
 * round ratios, relative to their median, is wider than {@link #MAX_RELATIVE_IQR}; {@link Verdict#FASTER} when the
 * first quartile is above 1 (three quarters of the rounds saw the model faster) and the median is at least
 * {@link #MIN_CHANGE}; {@link Verdict#SLOWER} when the third quartile is below 1 and the median at most
 * {@code 1 / MIN_CHANGE}; otherwise {@link Verdict#NO_DIFFERENCE} (the middle half of the rounds straddles 1, or
 * the median is within 5% of 1: two timings of one file differ by about 1% here, see docs/benchmarks.md).
 *
 * @param reference    per-call latency of the reference model over every timed call
 * @param model        per-call latency of the model over every timed call
 * @param speedupMedian median of the round ratios ({@code reference / model}; 1 = as fast, 2 = twice as fast)
 * @param speedupQ1    first quartile of the round ratios (linear interpolation between order statistics)
 * @param speedupQ3    third quartile of the round ratios, {@code >= speedupQ1}
 * @param speedupMin   smallest round ratio
 * @param speedupMax   largest round ratio
 * @param rounds       number of rounds, at least 1
 * @param verdict      what the ratio and its spread allow to say
 */
public record LatencyComparison(LatencyStats reference, LatencyStats model, double speedupMedian, double speedupQ1,
                                double speedupQ3, double speedupMin, double speedupMax, int rounds, Verdict verdict) {

    /** Widest interquartile range of the round ratios, relative to their median, that still allows a verdict. */
    public static final double MAX_RELATIVE_IQR = 0.20;

    /** Smallest median speed-up called faster (its inverse: the largest called slower). */
    public static final double MIN_CHANGE = 1.05;

    /** What a comparison allows to say about the model's speed relative to the reference. */
    public enum Verdict {
        FASTER("faster"), SLOWER("slower"), NO_DIFFERENCE("no measurable difference"),
        TOO_NOISY("spread too wide to call");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        /** The verdict as the report prints it. */
        public String text() {
            return text;
        }
    }

    /**
     * The comparison of per-call durations in nanoseconds, {@code [rounds][calls per round]} for each model; both
     * arrays must have the same, non-empty shape. The arrays are not modified.
     */
    public static LatencyComparison ofNanos(long[][] referenceNanos, long[][] modelNanos) {
        int rounds = referenceNanos.length;
        if (rounds < 1 || modelNanos.length != rounds) {
            throw new IllegalArgumentException("need the same number (>= 1) of rounds for both models, got "
                    + rounds + " and " + modelNanos.length);
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (referenceNanos[r].length < 1 || referenceNanos[r].length != modelNanos[r].length) {
                throw new IllegalArgumentException("round " + r + ": need the same number (>= 1) of calls for both"
                        + " models, got " + referenceNanos[r].length + " and " + modelNanos[r].length);
            }
            ratios[r] = median(referenceNanos[r]) / median(modelNanos[r]);
        }
        Arrays.sort(ratios);
        double med = quantile(ratios, 0.5);
        double q1 = quantile(ratios, 0.25);
        double q3 = quantile(ratios, 0.75);
        return new LatencyComparison(LatencyStats.ofNanos(flat(referenceNanos)), LatencyStats.ofNanos(flat(modelNanos)),
                med, q1, q3, ratios[0], ratios[rounds - 1], rounds, verdict(med, q1, q3));
    }

    /** The verdict rule of this class's description. */
    static Verdict verdict(double median, double q1, double q3) {
        if ((q3 - q1) / median > MAX_RELATIVE_IQR) {
            return Verdict.TOO_NOISY;
        }
        if (q1 > 1.0 && median >= MIN_CHANGE) {
            return Verdict.FASTER;
        }
        if (q3 < 1.0 && median <= 1.0 / MIN_CHANGE) {
            return Verdict.SLOWER;
        }
        return Verdict.NO_DIFFERENCE;
    }

    /** The {@code p}-quantile of ascending {@code sorted}, interpolating linearly between order statistics. */
    static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    private static long[] flat(long[][] nanos) {
        return Arrays.stream(nanos).flatMapToLong(Arrays::stream).toArray();
    }
}
