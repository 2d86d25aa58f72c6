package dev.condense.engine.runtime;

/**
 * Wall-clock latency of one {@code OrtSession.run} call, in milliseconds, over {@code runs} timed calls (after
 * warm-up). {@code medianMillis} is the middle value (mean of the two middle values for an even count);
 * {@code p90Millis} is the nearest-rank 90th percentile, so {@code medianMillis <= p90Millis}.
 */
public record LatencyStats(double medianMillis, double p90Millis, int runs) {

    public LatencyStats {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, was " + runs);
        }
    }

    /** Stats of the given per-call durations in nanoseconds (the array is sorted in place). */
    static LatencyStats ofNanos(long[] nanos) {
        java.util.Arrays.sort(nanos);
        int n = nanos.length;
        double median = n % 2 == 1 ? nanos[n / 2] : (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0;
        long p90 = nanos[(int) Math.ceil(0.9 * n) - 1];
        return new LatencyStats(median / 1e6, p90 / 1e6, n);
    }
}
