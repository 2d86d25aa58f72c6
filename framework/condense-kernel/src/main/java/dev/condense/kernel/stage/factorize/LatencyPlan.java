package dev.condense.kernel.stage.factorize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The rank choice of a latency budget, by NetAdapt's progressive search (Yang et al., ECCV 2018): every layer starts
 * dense; each step asks every layer for its least-error smaller form (each rank at most the current one) that makes
 * the whole model at least {@code step} of the dense model's time faster than it is now, measured with the other
 * layers as they stand, and takes the layer whose form adds the least error; it stops when the model's time is at
 * most the target share (and its MACs within the limit). Timing whole models at each step keeps the interactions
 * between neighbouring layers (ONNX Runtime's layout conversions, fused activations) in every decision; a per-layer
 * table summed over layers misses them.
 *
 * <p>Error is the layer's relative reconstruction error; a step that meets the time target may also be required to
 * cut MACs. Deterministic for a deterministic {@link Timer}.
 */
final class LatencyPlan {
    private LatencyPlan() {
    }

    /**
     * One form of a layer.
     *
     * @param ranks the ranks of a factorized form, or null for the dense layer
     * @param error relative reconstruction error, >= 0 (0 for the dense layer)
     * @param macs  MACs per sample, >= 0
     */
    record Option(long[] ranks, double error, long macs) {
        Option {
            if (!(error >= 0) || macs < 0) {
                throw new IllegalArgumentException("need error and macs >= 0, got " + error + " and " + macs);
            }
        }

        /** True when every rank is at most {@code o}'s (anything is at most the dense form). */
        boolean within(Option o) {
            if (o.ranks == null) {
                return true;
            }
            if (ranks == null) {
                return false;
            }
            for (int i = 0; i < ranks.length; i++) {
                if (ranks[i] > o.ranks[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The speed-up of the model under choice {@code to} over the model under choice {@code from}. */
    @FunctionalInterface
    interface Timer {
        double speedup(int[] from, int[] to);

        /**
         * Whether a step that meets its cut is timed a second time and taken only if the slower of the two readings
         * still meets it: a measured timer, where the first form whose one reading looks fast enough would otherwise
         * win on noise (the winner's curse). False for a deterministic cost model.
         */
        default boolean confirms() {
            return false;
        }
    }

    /** The smallest cut a step may ask for, as a share of the dense model's time. */
    static final double MIN_STEP = 0.01;
    /** With only the MAC limit left, how much slower (measurement noise) a step may make the model. */
    static final double TOLERANCE = 0.01;

    /**
     * The result.
     *
     * @param options the option index per layer: the target's choice, or where the search stopped short of it
     * @param met     whether the target (time and MAC limit) was reached; otherwise no layer could make a further
     *                step, even of {@link #MIN_STEP}
     * @param share   the model's time under the choice over the dense model's (the product of the steps)
     * @param trace   each step taken: {@code [layer, option, share after]}
     * @param timings how many comparisons the search measured
     */
    record Choice(int[] options, boolean met, double share, List<double[]> trace, int timings) {
    }

    /**
     * The choice, or where the search stopped when no layer could make a further step, even of {@link #MIN_STEP},
     * before the target was met ({@link Choice#met} false).
     *
     * @param layers   each layer's options, option 0 the dense layer
     * @param target   the model's time share to reach, in (0, 1)
     * @param macLimit the most the layers' MACs may sum to ({@link Long#MAX_VALUE}: no limit)
     * @param step     the time each step must save, as a share of the dense model's time, in (0, 1); halved (down
     *                 to {@link #MIN_STEP}) when no layer can save it
     * @param timer    measures the speed-up between two choices
     */
    static Choice choose(List<List<Option>> layers, double target, long macLimit, double step, Timer timer) {
        Objects.requireNonNull(timer, "timer");
        if (!(target > 0 && target < 1) || !(step > 0 && step < 1)) {
            throw new IllegalArgumentException("need target and step in (0, 1), got " + target + " and " + step);
        }
        int[] cur = new int[layers.size()];
        double share = 1.0;
        List<double[]> trace = new ArrayList<>();
        int timings = 0;
        double cut = step;
        while (share > target || macs(layers, cur) > macLimit) {
            double want = share > target ? Math.max(target, share - cut) : share * (1 + TOLERANCE);
            int bestLayer = -1;
            int bestOption = -1;
            double bestError = Double.POSITIVE_INFINITY;
            double bestShare = share;
            for (int i = 0; i < layers.size(); i++) {
                Option now = layers.get(i).get(cur[i]);
                for (int o : smaller(layers.get(i), cur[i])) {
                    Option opt = layers.get(i).get(o);
                    if (opt.error() - now.error() >= bestError) {
                        break; // ascending error: no later form of this layer can win
                    }
                    if (share <= target && opt.macs() >= now.macs()) {
                        continue; // only the MAC limit is left: a step must cut MACs
                    }
                    int[] next = cur.clone();
                    next[i] = o;
                    double s = share / timer.speedup(cur, next);
                    timings++;
                    if (s <= want && timer.confirms()) {
                        s = Math.max(s, share / timer.speedup(cur, next));
                        timings++;
                    }
                    if (s <= want) {
                        bestLayer = i;
                        bestOption = o;
                        bestError = opt.error() - now.error();
                        bestShare = s;
                        break;
                    }
                }
            }
            if (bestLayer < 0) {
                if (share > target && cut / 2 >= MIN_STEP) {
                    cut /= 2; // NetAdapt's shrinking step: closer to the target, smaller cuts may still exist
                    continue;
                }
                return new Choice(cur, false, share, trace, timings);
            }
            cur[bestLayer] = bestOption;
            share = bestShare;
            trace.add(new double[] {bestLayer, bestOption, share});
        }
        return new Choice(cur, true, share, trace, timings);
    }

    /** The options other than {@code current} whose ranks are all within it, by ascending error. */
    private static List<Integer> smaller(List<Option> options, int current) {
        List<Integer> out = new ArrayList<>();
        for (int o = 0; o < options.size(); o++) {
            if (o != current && options.get(o).within(options.get(current))) {
                out.add(o);
            }
        }
        out.sort(Comparator.comparingDouble(o -> options.get(o).error()));
        return out;
    }

    /** The layers' MACs under a choice. */
    static long macs(List<List<Option>> layers, int[] choice) {
        long sum = 0;
        for (int i = 0; i < choice.length; i++) {
            sum += layers.get(i).get(choice[i]).macs();
        }
        return sum;
    }
}
