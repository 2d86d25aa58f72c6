package dev.condense.kernel.recipe;

import dev.condense.api.extension.ExtensionIds;
import dev.condense.engine.text.Quote;

/**
 * The data set a recipe trains and evaluates on. Bound from the recipe's {@code data} mapping.
 *
 * @param dataset    the data set id, e.g. {@code mnist}
 * @param validation fraction of the training rows held out for validation, in [0, 0.5)
 * @param trainLimit use only this many training rows, or 0 for all
 * @param testLimit  use only this many test rows, or 0 for all
 * @param splitSeed  seed of the training-row permutation that picks the validation rows and the train limit, or
 *                   null for the recipe's {@code seed}; fixing it lets runs with different training seeds (and a
 *                   teacher from another recipe) share the same held-out rows
 * @param longPairs  text data sets only: {@code error} (a pair longer than the model's sequence length is an error
 *                   naming its row) or {@code skip} (such pairs are left out); null means {@code error}
 * @param fraction   train on this fraction of the training rows, in (0, 1]; null means 1. The kept rows are the first
 *                   {@code round(fraction * n)} (at least 1) of a permutation of the n training rows seeded with
 *                   {@link #permutationSeed}, so every run with the same data section and split seed trains on the
 *                   same rows whatever its method, and a smaller fraction's rows are a subset of a larger one's;
 *                   validation and test rows are untouched (a data-efficiency curve)
 * @param rationales text data sets with explanations only: which human explanations are a training row's rationale
 *                   (the second task of a loss that reads rationales): {@code first} (the row's first explanation)
 *                   or {@code all} (every one; each training step draws one per row, seeded); null means
 *                   {@code first}
 */
public record DataSpec(String dataset, double validation, int trainLimit, int testLimit, Long splitSeed,
                       String longPairs, Double fraction, String rationales) {
    /** Data set ids whose rows are sentence pairs. */
    public static final java.util.List<String> TEXT_DATASETS = java.util.List.of("esnli");
    /** Values of {@code long-pairs}. */
    public static final java.util.List<String> LONG_PAIRS = java.util.List.of("error", "skip");
    /** Values of {@code rationales}. */
    public static final java.util.List<String> RATIONALES = java.util.List.of("first", "all");

    public DataSpec {
        if (dataset == null) {
            throw new IllegalArgumentException("missing required key 'dataset' in data");
        }
        if (!ExtensionIds.isValid(dataset)) {
            throw new IllegalArgumentException("dataset must be a kebab-case id, was " + Quote.single(dataset));
        }
        if (!(validation >= 0 && validation < 0.5)) {
            throw new IllegalArgumentException("validation must be in [0, 0.5), was " + validation);
        }
        if (trainLimit < 0) {
            throw new IllegalArgumentException("train-limit must be >= 0 (0 = all), was " + trainLimit);
        }
        if (testLimit < 0) {
            throw new IllegalArgumentException("test-limit must be >= 0 (0 = all), was " + testLimit);
        }
        if (splitSeed != null && splitSeed < 0) {
            throw new IllegalArgumentException("split-seed must be >= 0, was " + splitSeed);
        }
        if (longPairs != null && !LONG_PAIRS.contains(longPairs)) {
            throw new IllegalArgumentException("long-pairs must be one of " + LONG_PAIRS + ", was " + Quote.single(longPairs));
        }
        if (fraction != null && !(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], was " + fraction);
        }
        if (rationales != null && !RATIONALES.contains(rationales)) {
            throw new IllegalArgumentException("rationales must be one of " + RATIONALES + ", was "
                    + Quote.single(rationales));
        }
    }

    /** A data section that uses the first explanation of each row as its rationale. */
    public DataSpec(String dataset, double validation, int trainLimit, int testLimit, Long splitSeed,
                    String longPairs, Double fraction) {
        this(dataset, validation, trainLimit, testLimit, splitSeed, longPairs, fraction, null);
    }

    /** A data section without a training fraction. */
    public DataSpec(String dataset, double validation, int trainLimit, int testLimit, Long splitSeed, String longPairs) {
        this(dataset, validation, trainLimit, testLimit, splitSeed, longPairs, null);
    }

    /** A data set of numbers, its rows split with {@code splitSeed} (or the recipe's seed when null). */
    public DataSpec(String dataset, double validation, int trainLimit, int testLimit, Long splitSeed) {
        this(dataset, validation, trainLimit, testLimit, splitSeed, null);
    }

    /** Whether pairs longer than the sequence length are left out ({@code long-pairs: skip}). */
    public boolean skipLongPairs() {
        return "skip".equals(longPairs);
    }

    /** Whether every human explanation of a row is a rationale ({@code rationales: all}). */
    public boolean allRationales() {
        return "all".equals(rationales);
    }

    /** A data set whose rows are split with the recipe's seed. */
    public DataSpec(String dataset, double validation, int trainLimit, int testLimit) {
        this(dataset, validation, trainLimit, testLimit, null, null);
    }

    /** The seed of the row permutation: {@code split-seed} when given, else {@code recipeSeed}. */
    public long permutationSeed(long recipeSeed) {
        return splitSeed == null ? recipeSeed : splitSeed;
    }
}
