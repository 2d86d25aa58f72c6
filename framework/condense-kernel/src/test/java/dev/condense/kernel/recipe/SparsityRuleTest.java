package dev.condense.kernel.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class SparsityRuleTest {
    private static final Location AT = new Location(Path.of("r.yaml"), 1, 1);

    private static SparsityRule.Selector sel(String s, double v) {
        return new SparsityRule.Selector(s, v, AT);
    }

    @Test
    void firstMatchingSelectorWinsThenTheDefault() {
        SparsityRule rule = new SparsityRule(List.of(sel("re:fc3.*", 0.8), sel("fc3.weight", 0.1), sel("fc1.weight", 0.95)),
                OptionalDouble.of(0.9));
        assertEquals(OptionalDouble.of(0.8), rule.sparsityFor("fc3.weight"));
        assertEquals(OptionalDouble.of(0.95), rule.sparsityFor("fc1.weight"));
        assertEquals(OptionalDouble.of(0.9), rule.sparsityFor("fc2.weight"));
        assertEquals("re:fc3.*", rule.selectorFor("fc3.bias").orElseThrow().selector());
    }

    @Test
    void regexesMatchTheWholeNameAndExactNamesAreLiteral() {
        SparsityRule rule = new SparsityRule(List.of(sel("re:fc", 0.5), sel("conv.weight", 0.4)), OptionalDouble.empty());
        assertEquals(OptionalDouble.empty(), rule.sparsityFor("fc1"), "re:fc must not match fc1");
        assertEquals(OptionalDouble.of(0.5), rule.sparsityFor("fc"));
        assertEquals(OptionalDouble.empty(), rule.sparsityFor("convXweight"), "a dot in an exact name is literal");
        assertTrue(rule.selectors().get(0).isRegex());
        assertFalse(rule.selectors().get(1).isRegex());
    }

    @Test
    void validatesRangesAndRegexes() {
        assertThrows(IllegalArgumentException.class, () -> sel("fc1", 1.0));
        assertThrows(IllegalArgumentException.class, () -> sel("fc1", -0.1));
        assertThrows(IllegalArgumentException.class, () -> sel("re:(", 0.5));
        assertThrows(IllegalArgumentException.class, () -> sel("re:", 0.5));
        assertThrows(IllegalArgumentException.class, () -> SparsityRule.uniform(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SparsityRule(List.of(), OptionalDouble.empty()));
        assertEquals(OptionalDouble.of(0.0), SparsityRule.uniform(0.0).sparsityFor("any"));
    }
}
