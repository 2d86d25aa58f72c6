package dev.condense.kernel.recipe;

import dev.condense.engine.text.Quote;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Target sparsity per layer: an ordered list of selectors, first match wins, then the default.
 *
 * <p>Written {@code sparsity: 0.9} (default only) or {@code sparsity: {default: 0.9, "re:fc3.*": 0.8, fc1.weight: 0.95}}.
 * A selector is either an exact layer (initializer) name or {@code re:} followed by a Java regex that must match the
 * whole name. A layer that no selector matches and no default covers is not pruned. Selectors that match no layer
 * of the model are reported by the runner, which knows the layers: it can use {@link #selectors()} and their
 * locations.
 *
 * <p>Or {@code sparsity: {global: 0.9, floor: 0.2}}: one ranking over every targeted layer (see
 * {@code dev.condense.kernel.stage.prune.Allocation#global}); every targeted layer reports the global value as its target
 * and no selector or default may be written beside it.
 *
 * @param selectors       the selectors in recipe order
 * @param defaultSparsity the default, when given
 * @param global          global ranking, when given (then no selectors and no default)
 */
public record SparsityRule(List<Selector> selectors, OptionalDouble defaultSparsity, Optional<Global> global) {

    public SparsityRule {
        selectors = List.copyOf(selectors);
        Objects.requireNonNull(defaultSparsity, "defaultSparsity");
        Objects.requireNonNull(global, "global");
        defaultSparsity.ifPresent(s -> checkRange("default", s));
        if (global.isPresent() && (!selectors.isEmpty() || defaultSparsity.isPresent())) {
            throw new IllegalArgumentException("sparsity: global takes no default and no selectors beside it"
                    + " (choose layers with the stage's layers filter)");
        }
        if (selectors.isEmpty() && defaultSparsity.isEmpty() && global.isEmpty()) {
            throw new IllegalArgumentException("sparsity needs a default or at least one selector");
        }
    }

    /** Per-layer rule (no global ranking). */
    public SparsityRule(List<Selector> selectors, OptionalDouble defaultSparsity) {
        this(selectors, defaultSparsity, Optional.empty());
    }

    /** A global rule. */
    public static SparsityRule global(double sparsity, double floor) {
        return new SparsityRule(List.of(), OptionalDouble.empty(), Optional.of(new Global(sparsity, floor)));
    }

    /**
     * Global ranking across layers.
     *
     * @param sparsity fraction of all targeted units removed, in [0, 1)
     * @param floor    fraction of each layer's units always kept, in [0, 1]; 0 still keeps one unit per layer
     */
    public record Global(double sparsity, double floor) {
        public Global {
            checkRange("global", sparsity);
            if (!(floor >= 0 && floor <= 1)) {
                throw new IllegalArgumentException("floor must be in [0, 1], was " + floor);
            }
        }
    }

    /** A rule applying {@code sparsity} to every layer. */
    public static SparsityRule uniform(double sparsity) {
        return new SparsityRule(List.of(), OptionalDouble.of(sparsity));
    }

    /** The target sparsity of {@code layer}: the first matching selector's, else the default, else empty. */
    public OptionalDouble sparsityFor(String layer) {
        if (global.isPresent()) {
            return OptionalDouble.of(global.get().sparsity());
        }
        return selectorFor(layer).map(s -> OptionalDouble.of(s.sparsity())).orElse(defaultSparsity);
    }

    /** The first selector matching {@code layer}. */
    public Optional<Selector> selectorFor(String layer) {
        return selectors.stream().filter(s -> s.matches(layer)).findFirst();
    }

    static void checkRange(String what, double s) {
        if (!(s >= 0 && s < 1)) {
            throw new IllegalArgumentException("sparsity of " + what + " must be in [0, 1), was " + s);
        }
    }

    /**
     * One selector.
     *
     * @param selector as written: an exact layer name or {@code re:REGEX}
     * @param sparsity target sparsity in [0, 1)
     * @param location where the selector is written, for "matches no layer" errors
     */
    public record Selector(String selector, double sparsity, Location location) {
        /** The prefix marking a regex selector. */
        public static final String REGEX_PREFIX = "re:";

        public Selector {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(location, "location");
            if (selector.isEmpty() || selector.equals(REGEX_PREFIX)) {
                throw new IllegalArgumentException("a sparsity selector must not be empty");
            }
            if (selector.startsWith(REGEX_PREFIX)) {
                try {
                    Pattern.compile(selector.substring(REGEX_PREFIX.length()));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid regex in selector " + Quote.single(selector) + ": "
                            + e.getDescription() + " near index " + e.getIndex(), e);
                }
            }
            checkRange(Quote.single(selector), sparsity);
        }

        public boolean isRegex() {
            return selector.startsWith(REGEX_PREFIX);
        }

        /** True when this selector names {@code layer} (regex selectors must match the whole name). */
        public boolean matches(String layer) {
            return isRegex() ? Pattern.compile(selector.substring(REGEX_PREFIX.length())).matcher(layer).matches()
                    : selector.equals(layer);
        }
    }
}
