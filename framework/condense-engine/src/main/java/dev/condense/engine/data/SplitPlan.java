package dev.condense.engine.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which file rows go to which split. A seeded permutation of the training-file rows is cut as follows: its first
 * {@code trainLimit} rows (all when 0) are the used pool; the first {@code round(validation * pool)} rows of the pool
 * are the validation split and the rest the training split. The test split is the first {@code testLimit} rows of
 * the test file, in file order. Taking a limit from a permutation keeps a small slice roughly class balanced.
 *
 * @param train      training-file row indices of the training split
 * @param validation training-file row indices of the validation split, empty when no validation was asked for
 * @param test       test-file row indices
 */
public record SplitPlan(int[] train, int[] validation, int[] test) {

    public SplitPlan {
        train = train.clone();
        validation = validation.clone();
        test = test.clone();
    }

    /**
     * @param trainRows rows in the training file
     * @param testRows  rows in the test file
     */
    public static SplitPlan of(int trainRows, int testRows, DataOptions options) {
        int[] perm = permutation(trainRows, options.seed());
        int pool = options.trainLimit() == 0 ? trainRows : Math.min(options.trainLimit(), trainRows);
        int nVal = (int) Math.round(options.validation() * pool);
        int nTest = options.testLimit() == 0 ? testRows : Math.min(options.testLimit(), testRows);
        int[] test = new int[nTest];
        Arrays.setAll(test, i -> i);
        return new SplitPlan(Arrays.copyOfRange(perm, nVal, pool), Arrays.copyOfRange(perm, 0, nVal), test);
    }

    /** A Fisher-Yates permutation of {@code [0, n)} driven by a {@link SplittableRandom} with the given seed. */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] validation() {
        return validation.clone();
    }

    @Override
    public int[] test() {
        return test.clone();
    }
}
