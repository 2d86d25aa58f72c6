package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Dotted paths into a recipe tree, as {@code --set} writes them: {@code stages.1.prune.sparsity.default}. Segments
 * are mapping keys or 0-based list indices. A key that itself holds dots ({@code fc1.weight}) is matched as written:
 * at each mapping the shortest run of segments that is a key and lets the rest of the path resolve is taken.
 */
final class TreePaths {

    private TreePaths() {
    }

    /** The JSON pointer of the existing value {@code path} names in {@code root}. */
    static Optional<String> resolve(JsonNode root, String path) {
        String[] segments = path.split("\\.", -1);
        for (String s : segments) {
            if (s.isEmpty()) {
                return Optional.empty();
            }
        }
        return resolve(root, "", segments, 0);
    }

    private static Optional<String> resolve(JsonNode node, String pointer, String[] segments, int from) {
        if (from == segments.length) {
            return Optional.of(pointer);
        }
        if (node.isArray()) {
            String s = segments[from];
            if (!s.matches("0|[1-9][0-9]{0,8}") || Integer.parseInt(s) >= node.size()) {
                return Optional.empty();
            }
            return resolve(node.get(Integer.parseInt(s)), LocatedTree.child(pointer, s), segments, from + 1);
        }
        if (!node.isObject()) {
            return Optional.empty();
        }
        StringBuilder key = new StringBuilder();
        for (int to = from; to < segments.length; to++) {
            key.append(to == from ? "" : ".").append(segments[to]);
            JsonNode child = node.get(key.toString());
            if (child != null) {
                Optional<String> found = resolve(child, LocatedTree.child(pointer, key.toString()), segments, to + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code path} does not resolve: the longest prefix that does, and what is missing under it (with the keys
     * or the index range that are there).
     */
    static String explain(JsonNode root, String path) {
        String[] segments = path.split("\\.", -1);
        JsonNode node = root;
        List<String> matched = new ArrayList<>();
        int i = 0;
        while (i < segments.length) {
            Optional<String> step = resolve(node, "", new String[] {segments[i]}, 0);
            if (step.isEmpty()) {
                break;
            }
            node = node.at(step.get());
            matched.add(segments[i++]);
        }
        String under = matched.isEmpty() ? "the recipe" : Quote.single(String.join(".", matched));
        String missing = i < segments.length ? segments[i] : "";
        if (node.isArray()) {
            return under + " is a list of " + node.size() + " (indices 0 to " + (node.size() - 1) + "), no " + Quote.single(missing);
        }
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            return "no " + Quote.single(missing) + " under " + under + Suggestions.hint(missing, keys) + "; keys there: "
                    + String.join(", ", keys);
        }
        return under + " is " + NodeRef.describe(node) + ", which has no " + Quote.single(missing);
    }
}
