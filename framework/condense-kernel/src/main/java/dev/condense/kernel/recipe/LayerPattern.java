package dev.condense.kernel.recipe;

import dev.condense.engine.text.Quote;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A layer name pattern of a prune stage's {@code layers: {include, exclude}}: an exact layer (initializer) name, or
 * {@code re:} followed by a Java regex that must match the whole name.
 *
 * @param pattern  as written
 * @param location where it is written, for "matches no layer" errors
 */
public record LayerPattern(String pattern, Location location) {
    /** The prefix marking a regex. */
    public static final String REGEX_PREFIX = "re:";

    public LayerPattern {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(location, "location");
        if (pattern.isEmpty() || pattern.equals(REGEX_PREFIX)) {
            throw new IllegalArgumentException("a layer pattern must not be empty");
        }
        if (pattern.startsWith(REGEX_PREFIX)) {
            try {
                Pattern.compile(pattern.substring(REGEX_PREFIX.length()));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regex in layer pattern " + Quote.single(pattern) + ": "
                        + e.getDescription() + " near index " + e.getIndex(), e);
            }
        }
    }

    /** True for a {@code re:} pattern. */
    public boolean isRegex() {
        return pattern.startsWith(REGEX_PREFIX);
    }

    /** True when this pattern names {@code layer} (a regex must match the whole name). */
    public boolean matches(String layer) {
        return isRegex() ? Pattern.compile(pattern.substring(REGEX_PREFIX.length())).matcher(layer).matches()
                : pattern.equals(layer);
    }
}
