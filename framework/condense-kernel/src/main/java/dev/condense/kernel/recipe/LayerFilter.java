package dev.condense.kernel.recipe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which layers a prune stage may touch: {@code layers: {include: [...], exclude: [...]}}. A layer passes when it
 * matches some include pattern (or no include list is given) and no exclude pattern. The filter is applied before the
 * sparsity rule: a layer that does not pass is not pruned whatever its sparsity selectors say.
 *
 * @param include patterns of the layers to prune; empty means every layer
 * @param exclude patterns of the layers never to prune
 */
public record LayerFilter(List<LayerPattern> include, List<LayerPattern> exclude) implements Predicate<String> {
    /** The filter letting every layer through (no {@code layers} key). */
    public static final LayerFilter ALL = new LayerFilter(List.of(), List.of());

    public LayerFilter {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** True when the stage may touch {@code layer}. */
    @Override
    public boolean test(String layer) {
        return (include.isEmpty() || include.stream().anyMatch(p -> p.matches(layer)))
                && exclude.stream().noneMatch(p -> p.matches(layer));
    }

    /** Every pattern, include first, in recipe order. */
    public List<LayerPattern> patterns() {
        List<LayerPattern> all = new ArrayList<>(include);
        all.addAll(exclude);
        return all;
    }

    /** The patterns matching none of {@code layers} (each has its location), include first. */
    public List<LayerPattern> unmatched(Collection<String> layers) {
        return patterns().stream().filter(p -> layers.stream().noneMatch(p::matches)).toList();
    }

    /**
     * Refuses, at its location, the first pattern matching none of {@code layers}: "{@code what} pattern 'P' matches
     * no {@code target}; {@code listName}: a, b".
     *
     * @param what     the filter's name in the message, e.g. "layers" or "fallback layers"
     * @param target   what the layers are, e.g. "layer to cluster"
     * @param listName the list's name, e.g. "layers"
     * @throws RecipeException for the first unmatched pattern
     */
    public void requireMatches(Collection<String> layers, String what, String target, String listName) {
        for (LayerPattern p : unmatched(layers)) {
            throw new RecipeException(p.location(), what + " pattern " + dev.condense.engine.text.Quote.single(
                    p.pattern()) + " matches no " + target + "; " + listName + ": " + String.join(", ", layers));
        }
    }

    /** Reads {@code {include: [patterns], exclude: [patterns]}}; each list, when given, is not empty. */
    public static LayerFilter read(NodeRef node) {
        node.expectObject(List.of("include", "exclude"));
        return new LayerFilter(patterns(node, "include"), patterns(node, "exclude"));
    }

    private static List<LayerPattern> patterns(NodeRef layers, String key) {
        java.util.Optional<NodeRef> list = layers.optional(key);
        if (list.isEmpty()) {
            return List.of();
        }
        List<NodeRef> items = list.get().elements();
        if (items.isEmpty()) {
            throw list.get().fail(key + " must list at least one layer name or re:REGEX (omit it instead)");
        }
        List<LayerPattern> patterns = new ArrayList<>();
        for (NodeRef item : items) {
            String pattern = item.asText();
            patterns.add(item.construct(() -> new LayerPattern(pattern, item.location())));
        }
        return patterns;
    }
}
