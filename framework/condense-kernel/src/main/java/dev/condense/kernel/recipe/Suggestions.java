package dev.condense.kernel.recipe;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * "Did you mean" suggestions for misspelt keys and ids.
 *
 * <p>A candidate qualifies when its Levenshtein distance to the input is at most 2, or when one of the two is a
 * prefix of the other (and the shorter has at least 2 characters). Among qualifying candidates the smallest distance
 * wins; ties go to the alphabetically first, so suggestions are deterministic.
 */
public final class Suggestions {
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {
    }

    /** The closest candidate to {@code input}, or empty when none is close. Exact matches are not suggested. */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        if (input == null || input.isEmpty()) {
            return Optional.empty();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(candidates)) {
            if (candidate.equals(input)) {
                continue;
            }
            int d = distance(input.toLowerCase(), candidate.toLowerCase());
            if ((d <= MAX_DISTANCE || isPrefix(input, candidate)) && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code " (did you mean 'x'?)"} or the empty string, ready to append to a message. */
    public static String hint(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    /** Levenshtein edit distance (insertions, deletions, substitutions each cost 1). */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static boolean isPrefix(String input, String candidate) {
        String a = input.toLowerCase();
        String b = candidate.toLowerCase();
        return Math.min(a.length(), b.length()) >= 2 && (a.startsWith(b) || b.startsWith(a));
    }
}
