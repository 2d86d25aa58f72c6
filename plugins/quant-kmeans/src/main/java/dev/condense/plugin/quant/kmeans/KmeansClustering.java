package dev.condense.plugin.quant.kmeans;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One-dimensional k-means (Lloyd's algorithm) over the non-zero weights of a tensor, as Deep Compression shares
 * weights (Han, Mao and Dally, ICLR 2016, section 3.1, with the initializations of section 3.2).
 *
 * <p>In one dimension every cluster is a contiguous run of the sorted values, so after one sort an iteration costs
 * {@code O(k log n)}: the boundaries are the midpoints between neighbouring centroids, found by binary search, and a
 * cluster's mean comes from prefix sums (in double precision). Empty clusters keep their centroid.
 */
public final class KmeansClustering {
    private KmeansClustering() {
    }

    /**
     * The centroids, ascending, for the values {@code x} (any shape; zeros are ignored).
     *
     * @param k          number of centroids, >= 1 (fewer are returned when there are fewer distinct values)
     * @param init       {@code linear}, {@code density} or {@code random}
     * @param iterations Lloyd iterations at most
     * @return float32 {@code [k']}, {@code k' <= k}, distinct, none zero; empty when x has no non-zero value
     */
    public static float[] centroids(INDArray x, int k, String init, int iterations, long seed) {
        double[] all = Nd4j.sort(x.castTo(DataType.DOUBLE).reshape(x.length()).dup(), 0, true).data().asDouble();
        int zerosFrom = upper(all, -Double.MIN_VALUE); // zeros are one run of the sorted values
        int zerosTo = upper(all, 0.0);
        double[] sorted = new double[all.length - (zerosTo - zerosFrom)];
        System.arraycopy(all, 0, sorted, 0, zerosFrom);
        System.arraycopy(all, zerosTo, sorted, zerosFrom, all.length - zerosTo);
        if (sorted.length == 0) {
            return new float[0];
        }
        double[] prefix = new double[sorted.length + 1];
        INDArray cumsum = Nd4j.createFromArray(sorted).cumsum(0);
        System.arraycopy(cumsum.data().asDouble(), 0, prefix, 1, sorted.length);
        double[] c = initial(sorted, k, init, seed);
        for (int it = 0; it < iterations; it++) {
            double[] next = c.clone();
            int lo = 0;
            for (int j = 0; j < c.length; j++) {
                int hi = j == c.length - 1 ? sorted.length : upper(sorted, (c[j] + c[j + 1]) / 2);
                if (hi > lo) {
                    next[j] = (prefix[hi] - prefix[lo]) / (hi - lo);
                }
                lo = Math.max(lo, hi);
            }
            boolean moved = !Arrays.equals(next, c);
            c = next;
            Arrays.sort(c);
            if (!moved) {
                break;
            }
        }
        return distinctNonZero(c);
    }

    /** Index of the first value above {@code t} in ascending {@code sorted}. */
    private static int upper(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double[] initial(double[] sorted, int k, String init, long seed) {
        double[] c = new double[k];
        double min = sorted[0];
        double max = sorted[sorted.length - 1];
        switch (init) {
            case "linear" -> {
                for (int j = 0; j < k; j++) {
                    c[j] = k == 1 ? (min + max) / 2 : min + (max - min) * j / (k - 1);
                }
            }
            case "density" -> { // evenly spaced points of the empirical CDF
                for (int j = 0; j < k; j++) {
                    c[j] = sorted[(int) Math.min(sorted.length - 1, Math.floor((j + 0.5) * sorted.length / k))];
                }
            }
            case "random" -> {
                Random random = new Random(seed);
                for (int j = 0; j < k; j++) {
                    c[j] = sorted[random.nextInt(sorted.length)];
                }
            }
            default -> throw new IllegalArgumentException("unknown initialization " + init);
        }
        Arrays.sort(c);
        return c;
    }

    private static float[] distinctNonZero(double[] c) {
        return toFloat(Arrays.stream(c).map(v -> (float) v).filter(v -> v != 0.0).distinct().sorted().toArray());
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * The index of the nearest centroid for each element of {@code x} (ties to the lower centroid), with zeros mapped
     * to {@code zeroIndex}.
     *
     * @param centroids ascending, distinct
     * @return int32 of x's shape
     */
    public static INDArray assign(INDArray x, float[] centroids, int zeroIndex) {
        INDArray codes = Nd4j.zeros(DataType.INT32, x.shape());
        for (int j = 0; j + 1 < centroids.length; j++) { // code = number of midpoints strictly below x
            float mid = (float) (((double) centroids[j] + centroids[j + 1]) / 2);
            codes.addi(x.gt(mid).castTo(DataType.INT32));
        }
        INDArray zero = x.eq(0.0).castTo(DataType.INT32);
        return codes.mul(zero.rsub(1)).addi(zero.mul(zeroIndex));
    }
}
