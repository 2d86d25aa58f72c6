package dev.condense.kernel.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> IDS = List.of("magnitude", "snip", "fpgm", "thinet");

    @Test
    void suggestsWithinTwoEdits() {
        assertEquals(Optional.of("magnitude"), Suggestions.closest("magnitdue", IDS));
        assertEquals(Optional.of("snip"), Suggestions.closest("snp", IDS));
        assertEquals(Optional.of("epochs"), Suggestions.closest("epoch", List.of("epochs", "batch")));
    }

    @Test
    void suggestsPrefixes() {
        assertEquals(Optional.of("magnitude"), Suggestions.closest("mag", IDS));
        assertEquals(Optional.of("thinet"), Suggestions.closest("thinet-v2", IDS));
    }

    @Test
    void staysQuietWhenNothingIsClose() {
        assertEquals(Optional.empty(), Suggestions.closest("quantize", IDS));
        assertEquals(Optional.empty(), Suggestions.closest("", IDS));
        assertEquals(Optional.empty(), Suggestions.closest("snip", IDS));
        assertEquals("", Suggestions.hint("zzz", IDS));
    }

    @Test
    void prefersTheSmallestDistanceThenAlphabeticalOrder() {
        assertEquals(Optional.of("sgd"), Suggestions.closest("sdg", List.of("sgd", "adam")));
        assertEquals(Optional.of("ab"), Suggestions.closest("aa", List.of("ba", "ab")));
        assertEquals(" (did you mean 'snip'?)", Suggestions.hint("snipp", IDS));
    }

    @Test
    void levenshteinDistance() {
        assertEquals(0, Suggestions.distance("abc", "abc"));
        assertEquals(2, Suggestions.distance("magnitdue", "magnitude"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(4, Suggestions.distance("", "snip"));
    }
}
