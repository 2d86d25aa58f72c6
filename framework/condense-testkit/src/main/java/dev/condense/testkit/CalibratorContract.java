package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Contract tests for {@link Calibrator}s (besides {@link ExtensionContract}'s id and params checks):
 * <ul>
 *   <li>the range is a valid {@link ClipRange} (contains 0, {@code max > min}), symmetric when asked, for signed,
 *       non-negative (post-ReLU) and all-zero data;</li>
 *   <li>the range lies within the observed data's extremes (widened to contain 0), and contains them when
 *       {@link #coversObservedExtremes()} (min/max calibration);</li>
 *   <li>the same rows give the same range whatever the batch split: fed as 1 batch, as 7 uneven batches, and as those
 *       7 batches in a shuffled order (a different order in each pass);</li>
 *   <li>memory is bounded by the params, not by the rows: the values an accumulator retains ({@link RetainedValues})
 *       are the same after 7 batches as after 70, and at most {@link #maxRetainedValues()};</li>
 *   <li>observing never mutates the batch; a pass outside {@code [0, passes())} is an
 *       {@link IllegalArgumentException}; asking for the range before every pass has been observed is an
 *       {@link IllegalStateException}.</li>
 * </ul>
 * Fixtures are seeded: {@code [70, 3, 4, 4]} float32 values (N(0,1) with a planted outlier of 9 at one position).
 *
 * @param <P> the calibrator's params record
 */
public abstract class CalibratorContract<P extends Record> extends ExtensionContract<Calibrator<P>> {

    /** Row boundaries of the 7 uneven batches of the 70 fixture rows. */
    private static final int[] SPLIT = {0, 3, 13, 20, 41, 42, 60, 70};
    /** Two different shuffled orders of the 7 batches (one per pass). */
    private static final int[][] SHUFFLED = {{4, 0, 6, 2, 5, 1, 3}, {2, 6, 1, 3, 0, 5, 4}};

    @Override
    protected abstract P params();

    /** Whether the range always contains the observed minimum and maximum (true for min/max calibrators). */
    protected boolean coversObservedExtremes() {
        return false;
    }

    /** Upper bound on the values one accumulator retains with {@link #params()} (e.g. its bins plus a few scalars). */
    protected long maxRetainedValues() {
        return 1L << 16;
    }

    /** The seeded fixture: {@code [70, 3, 4, 4]} float32, N(0, 1) plus one planted value of 9. */
    protected INDArray rows() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(11), new long[] {70, 3, 4, 4})
                .castTo(DataType.FLOAT);
        x.putScalar(new long[] {33, 1, 2, 2}, 9f);
        return x;
    }

    private static List<INDArray> batches(INDArray rows) {
        List<INDArray> out = new ArrayList<>();
        for (int i = 0; i + 1 < SPLIT.length; i++) {
            out.add(rows.get(NDArrayIndex.interval(SPLIT[i], SPLIT[i + 1]), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup());
        }
        return out;
    }

    /** Feeds every pass, pass {@code p} in the batch order {@code orders[p % orders.length]} of {@code batches}. */
    private Accumulator feed(List<INDArray> batches, int[]... orders) {
        Accumulator a = extension().accumulator(params());
        int passes = a.passes();
        assertTrue(passes == 1 || passes == 2, "passes() must be 1 or 2, was " + passes);
        for (int p = 0; p < passes; p++) {
            int[] order = orders[p % orders.length];
            for (int b : order) {
                a.observe(p, batches.get(b));
            }
        }
        return a;
    }

    private Accumulator feedWhole(INDArray rows) {
        return feed(List.of(rows), new int[] {0});
    }

    private static int[] identity(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    private static void assertValid(ClipRange r, boolean symmetric) {
        assertTrue(r.min() <= 0 && r.max() >= 0 && r.max() > r.min(), "invalid range " + r);
        if (symmetric) {
            assertEquals(-r.max(), r.min(), 0.0, "a symmetric range must have min == -max: " + r);
        }
    }

    @Test
    void rangeIsValidAndWithinTheObservedExtremes() {
        INDArray x = rows();
        double lo = Math.min(0, x.minNumber().doubleValue());
        double hi = Math.max(0, x.maxNumber().doubleValue());
        double abs = Math.max(-lo, hi);
        double slack = 1e-6 * abs;
        Accumulator a = feedWhole(x);
        for (int bits : new int[] {8, 4}) {
            ClipRange asym = a.range(bits, false);
            assertValid(asym, false);
            assertTrue(asym.min() >= lo - slack && asym.max() <= hi + slack, asym + " exceeds the data's [" + lo + ", " + hi + "]");
            ClipRange sym = a.range(bits, true);
            assertValid(sym, true);
            assertTrue(sym.max() <= abs + slack, sym + " exceeds the data's max |x| " + abs);
            if (coversObservedExtremes()) {
                assertTrue(asym.min() <= lo + slack && asym.max() >= hi - slack, asym + " misses [" + lo + ", " + hi + "]");
                assertTrue(sym.max() >= abs - slack, sym + " misses max |x| " + abs);
            }
        }
    }

    @Test
    void nonNegativeDataGivesARangeStartingAtZero() {
        INDArray relu = org.nd4j.linalg.ops.transforms.Transforms.relu(rows(), true);
        ClipRange r = feedWhole(relu).range(8, false);
        assertValid(r, false);
        assertEquals(0.0, r.min(), 0.0, "post-ReLU values need no negative range: " + r);
    }

    @Test
    void allZeroDataStillGivesAValidRange() {
        Accumulator a = feedWhole(Nd4j.zeros(DataType.FLOAT, 5, 3, 4, 4));
        assertValid(a.range(8, false), false);
        assertValid(a.range(8, true), true);
    }

    @Test
    void sameRangeWhateverTheBatchSplitAndOrder() {
        INDArray x = rows();
        List<INDArray> seven = batches(x);
        Accumulator whole = feedWhole(x);
        Accumulator split = feed(seven, identity(seven.size()));
        Accumulator shuffled = feed(seven, SHUFFLED);
        for (boolean symmetric : new boolean[] {false, true}) {
            ClipRange expected = whole.range(8, symmetric);
            assertRangeEquals(expected, split.range(8, symmetric), "7 batches");
            assertRangeEquals(expected, shuffled.range(8, symmetric), "7 shuffled batches");
        }
    }

    private static void assertRangeEquals(ClipRange expected, ClipRange actual, String how) {
        double tol = 1e-9 * Math.max(1, Math.max(Math.abs(expected.min()), expected.max()));
        assertEquals(expected.min(), actual.min(), tol, how + ": " + actual + " vs one batch " + expected);
        assertEquals(expected.max(), actual.max(), tol, how + ": " + actual + " vs one batch " + expected);
    }

    @Test
    void retainedMemoryDoesNotGrowWithRows() {
        List<INDArray> seven = batches(rows());
        List<INDArray> seventy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seventy.addAll(seven);
        }
        Accumulator few = feed(seven, identity(seven.size()));
        Accumulator many = feed(seventy, identity(seventy.size()));
        few.range(8, false);
        many.range(8, false);
        long a = RetainedValues.of(few);
        long b = RetainedValues.of(many);
        assertEquals(a, b, "an accumulator retained " + a + " values after 70 rows but " + b + " after 700");
        assertTrue(b <= maxRetainedValues(), "an accumulator retains " + b + " values, more than its bound "
                + maxRetainedValues());
    }

    @Test
    void observingDoesNotMutateTheBatch() {
        INDArray x = rows();
        INDArray copy = x.dup();
        feedWhole(x).range(8, true);
        assertEquals(copy, x, "observe mutated its input");
    }

    @Test
    void passesOutOfRangeAndEarlyRangesAreRejected() {
        Accumulator a = extension().accumulator(params());
        INDArray x = rows();
        assertThrows(IllegalArgumentException.class, () -> a.observe(-1, x));
        assertThrows(IllegalArgumentException.class, () -> a.observe(a.passes(), x));
        assertThrows(IllegalStateException.class, () -> a.range(8, false), "range before any value was observed");
        for (int p = 0; p + 1 < a.passes(); p++) {
            a.observe(p, x);
        }
        if (a.passes() == 2) {
            assertThrows(IllegalStateException.class, () -> a.range(8, false), "range before the last pass");
        }
    }
}
