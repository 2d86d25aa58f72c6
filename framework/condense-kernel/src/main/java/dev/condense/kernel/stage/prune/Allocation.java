package dev.condense.kernel.stage.prune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How many units each pool loses in one schedule step.
 *
 * <p>Per layer: a pool with target sparsity {@code s} ends the step with {@code floor(s * original)} units removed.
 * Global (layer-wise ranking replaced by one ranking over every pool, as in global magnitude pruning; Blalock et
 * al., "What is the state of neural network pruning?", MLSys 2020): {@code floor(s * sum(original))} units are
 * removed in total, the lowest scores first, except that no pool drops below {@code ceil(floor * original)} units
 * (its density floor) and every pool keeps at least one unit; the removals a floor refuses go to the next-lowest
 * scores of other pools. The cut is a score threshold, so ties at the threshold are removed together and the
 * realized count may exceed the target by a tie (reported by the caller).
 */
public final class Allocation {
    private Allocation() {
    }

    /** Units to remove now from a pool with target {@code sparsity} after this step. */
    public static long perLayer(UnitPool p, double sparsity) {
        long want = (long) Math.floor(sparsity * p.original()) - p.removed();
        return Math.max(0, Math.min(want, p.present() - 1));
    }

    /**
     * Units to remove now from each pool for a global target.
     *
     * @param sparsity fraction of all original units removed after this step, in [0, 1)
     * @param floor    fraction of each pool's original units that stays, in [0, 1]
     */
    public static Map<String, Long> global(List<UnitPool> pools, double sparsity, double floor) {
        long total = pools.stream().mapToLong(UnitPool::original).sum();
        long already = pools.stream().mapToLong(UnitPool::removed).sum();
        long need = (long) Math.floor(sparsity * total) - already;
        long[] caps = pools.stream().mapToLong(p -> Math.max(0, Math.min(p.present() - 1,
                p.present() - (long) Math.ceil(floor * p.original())))).toArray();
        Map<String, Long> out = new LinkedHashMap<>();
        if (need <= 0) {
            pools.forEach(p -> out.put(p.key(), 0L));
            return out;
        }
        INDArray all = Nd4j.concat(0, pools.stream().map(p -> p.scores().castTo(DataType.FLOAT)
                .reshape(p.present())).toArray(INDArray[]::new));
        INDArray sorted = Nd4j.sort(all, true);
        long lo = 0;
        long hi = sorted.length() - 1;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (removable(pools, caps, sorted.getDouble(mid)) >= need) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        double cut = sorted.getDouble(lo);
        for (int i = 0; i < pools.size(); i++) {
            out.put(pools.get(i).key(), Math.min(caps[i], below(pools.get(i), cut)));
        }
        return out;
    }

    private static long removable(List<UnitPool> pools, long[] caps, double cut) {
        long n = 0;
        for (int i = 0; i < pools.size(); i++) {
            n += Math.min(caps[i], below(pools.get(i), cut));
        }
        return n;
    }

    private static long below(UnitPool p, double cut) {
        return p.scores().castTo(DataType.FLOAT).lte(cut).castTo(DataType.INT64).sumNumber().longValue();
    }
}
