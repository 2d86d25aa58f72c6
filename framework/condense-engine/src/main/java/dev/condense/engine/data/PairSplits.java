package dev.condense.engine.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A pool of sentence pairs cut into training, validation and test rows with a seed: a Fisher-Yates permutation of
 * the pool ({@link SplitPlan#permutation}, {@link java.util.SplittableRandom}) whose first
 * {@code round(validation * n)} rows are the validation split, the next {@code round(test * n)} the test split, the
 * rest the training split, each in permutation order. The same pool, fractions and seed give the same splits.
 *
 * <p>e-SNLI publishes no training split in the shared directory, so its pool is dev then test (19,666 pairs) and
 * every result on it says which seed and fractions cut it ({@link #describe}).
 */
public record PairSplits(List<SentencePair> train, List<SentencePair> validation, List<SentencePair> test,
                         double validationFraction, double testFraction, long seed) {

    public PairSplits {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    /**
     * @param validation fraction of the pool held out for validation, in [0, 1)
     * @param test       fraction of the pool held out for test, in [0, 1); together below 1
     */
    public static PairSplits of(List<SentencePair> pool, double validation, double test, long seed) {
        if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
            throw new IllegalArgumentException("validation and test fractions must be >= 0 and sum below 1, were "
                    + validation + " and " + test);
        }
        int n = pool.size();
        int[] perm = SplitPlan.permutation(n, seed);
        int nVal = (int) Math.round(validation * n);
        int nTest = (int) Math.round(test * n);
        List<SentencePair> v = new ArrayList<>(nVal);
        List<SentencePair> t = new ArrayList<>(nTest);
        List<SentencePair> tr = new ArrayList<>(n - nVal - nTest);
        for (int i = 0; i < n; i++) {
            (i < nVal ? v : i < nVal + nTest ? t : tr).add(pool.get(perm[i]));
        }
        return new PairSplits(tr, v, t, validation, test, seed);
    }

    /** e-SNLI's dev and test pairs, in that order, as one pool cut with {@code seed}. */
    public static PairSplits esnli(java.nio.file.Path dir, double validation, double test, long seed) {
        List<SentencePair> pool = new ArrayList<>(EsnliFiles.read(dir, "dev"));
        pool.addAll(EsnliFiles.read(dir, "test"));
        return of(pool, validation, test, seed);
    }

    /** How the splits were cut, for reports: sizes, fractions and seed. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d train / %d validation / %d test rows (validation %.3f, test %.3f"
                + " of the pool, seed %d)", train.size(), validation.size(), test.size(), validationFraction,
                testFraction, seed);
    }
}
