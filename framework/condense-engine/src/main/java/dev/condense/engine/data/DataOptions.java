package dev.condense.engine.data;

import java.nio.file.Path;

/**
 * How to find and cut a data set.
 *
 * @param dataDir    directory that already holds the data files (plain or {@code .gz}), or null to use the cache
 * @param cacheDir   cache root; files of data set {@code id} live in {@code cacheDir/id}. Null means
 *                   {@link #defaultCacheDir()}
 * @param validation fraction of the used training rows held out for validation, in {@code [0, 0.5)}
 * @param trainLimit number of training-file rows to use (validation rows included), 0 = all
 * @param testLimit  number of test rows to use (the first ones of the file), 0 = all
 * @param seed       seed of the row permutation that drives the validation split and the train limit
 * @param text       how a text data set turns its rows into model inputs (tokenizer, sequence length), or null for
 *                   data sets of numbers
 */
public record DataOptions(Path dataDir, Path cacheDir, double validation, int trainLimit, int testLimit, long seed,
                          PairEncoding text) {

    /** Environment variable that overrides the default cache root. */
    public static final String CACHE_ENV = "CONDENSE_CACHE";

    public DataOptions {
        if (cacheDir == null) {
            cacheDir = defaultCacheDir();
        }
        if (!(validation >= 0.0 && validation < 0.5)) {
            throw new IllegalArgumentException("validation must be in [0, 0.5), was " + validation);
        }
        if (trainLimit < 0) {
            throw new IllegalArgumentException("trainLimit must be >= 0 (0 = all), was " + trainLimit);
        }
        if (testLimit < 0) {
            throw new IllegalArgumentException("testLimit must be >= 0 (0 = all), was " + testLimit);
        }
    }

    /** Options of a data set of numbers (no {@link PairEncoding}). */
    public DataOptions(Path dataDir, Path cacheDir, double validation, int trainLimit, int testLimit, long seed) {
        this(dataDir, cacheDir, validation, trainLimit, testLimit, seed, null);
    }

    /** All rows, no validation split, default cache, seed 0. */
    public static DataOptions defaults() {
        return new DataOptions(null, null, 0.0, 0, 0, 0L);
    }

    /** {@code $CONDENSE_CACHE} when set and not blank, else {@code ~/.cache/condense}. */
    public static Path defaultCacheDir() {
        String env = System.getenv(CACHE_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "condense");
    }

    public DataOptions withDataDir(Path dir) {
        return new DataOptions(dir, cacheDir, validation, trainLimit, testLimit, seed, text);
    }

    public DataOptions withCacheDir(Path dir) {
        return new DataOptions(dataDir, dir, validation, trainLimit, testLimit, seed, text);
    }

    public DataOptions withSplit(double validationFraction, int trainRows, int testRows, long permutationSeed) {
        return new DataOptions(dataDir, cacheDir, validationFraction, trainRows, testRows, permutationSeed, text);
    }

    public DataOptions withText(PairEncoding encoding) {
        return new DataOptions(dataDir, cacheDir, validation, trainLimit, testLimit, seed, encoding);
    }
}
