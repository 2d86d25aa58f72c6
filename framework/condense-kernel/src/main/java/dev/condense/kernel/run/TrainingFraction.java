package dev.condense.kernel.run;

import dev.condense.api.data.DataSplit;
import dev.condense.api.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code data.fraction}: a data set trained on a seeded subset of its training rows (a data-efficiency curve, as in
 * Hsieh et al. 2023's figures). The kept rows are the first {@code max(1, round(fraction * n))} of a Fisher-Yates
 * permutation of {@code [0, n)} driven by a {@link SplittableRandom} seeded with the split seed, in permutation
 * order: every method run with the same data section trains on the same rows, and a smaller fraction's rows are a
 * subset of a larger one's. Features, labels and rationales are cut together; validation and test are untouched.
 */
final class TrainingFraction {
    private TrainingFraction() {
    }

    /**
     * @param fraction in (0, 1]
     * @param seed     the data section's permutation seed
     */
    static Dataset of(Dataset d, double fraction, long seed) {
        int n = Math.toIntExact(d.train().size());
        int keep = Math.max(1, (int) Math.round(fraction * n));
        if (keep >= n) {
            return d;
        }
        int[] rows = Arrays.copyOf(permutation(n, seed), keep);
        DataSplit t = d.train();
        DataSplit cut = new DataSplit(rowsOf(t.features(), rows), rowsOf(t.labels().reshape(n, 1), rows).reshape(keep),
                t.rationales() == null ? null : rowsOf(t.rationales(), rows));
        return new Dataset(d.id(), cut, d.validation(), d.test(), d.numClasses(), d.sha256());
    }

    /** Rows {@code rows} of {@code a} along axis 0, any rank. */
    private static INDArray rowsOf(INDArray a, int[] rows) {
        long[] shape = a.shape();
        long width = a.length() / shape[0];
        INDArray flat = Nd4j.pullRows(a.reshape('c', shape[0], width), 1, rows);
        long[] out = shape.clone();
        out[0] = rows.length;
        return flat.reshape('c', out);
    }

    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
