package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A node of a {@link LocatedTree} together with its path, so that every check can report where it failed.
 *
 * <p>The {@code expect*} and {@code as*} methods throw {@link RecipeException} located at the node (for a wrong type
 * or value), at the offending key (for an unknown key) or at the key owning a mapping (for a missing key).
 *
 * @param tree    the tree the node belongs to
 * @param pointer the JSON pointer of the node
 * @param node    the node (a {@link MissingNode} for an absent key)
 */
public record NodeRef(LocatedTree tree, String pointer, JsonNode node) {

    public NodeRef {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(node, "node");
    }

    /** Where the node's value starts. */
    public Location location() {
        return tree.at(pointer);
    }

    /** Where the key naming this node starts (or the node itself when it has no key, e.g. a list item). */
    public Location keyLocation() {
        return tree.keyAt(pointer);
    }

    /** A short human name: the key naming this node, {@code item N} for a list item, {@code the recipe} for the root. */
    public String name() {
        if (pointer.isEmpty()) {
            return "the recipe";
        }
        String last = LocatedTree.lastSegment(pointer);
        return tree.hasKey(pointer) ? Quote.cut(last) : "item " + (Integer.parseInt(last) + 1);
    }

    /** A reference to the child {@code key} (possibly a {@link MissingNode}). */
    public NodeRef child(String key) {
        JsonNode c = node.get(key);
        return new NodeRef(tree, LocatedTree.child(pointer, key), c == null ? MissingNode.getInstance() : c);
    }

    /** The child {@code key} when present and not null. */
    public Optional<NodeRef> optional(String key) {
        NodeRef c = child(key);
        return c.node.isMissingNode() || c.node.isNull() ? Optional.empty() : Optional.of(c);
    }

    /** The child {@code key}; an error at this mapping's key when it is absent or null. */
    public NodeRef required(String key) {
        return optional(key).orElseThrow(() -> new RecipeException(keyLocation(),
                "missing required key " + Quote.single(key) + " in " + name()));
    }

    /** Checks this is a mapping whose keys are all in {@code allowed}; returns this. */
    public NodeRef expectObject(Collection<String> allowed) {
        if (!node.isObject()) {
            throw fail("expected a mapping for " + name() + " but found " + describe());
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new RecipeException(tree.keyAt(LocatedTree.child(pointer, key)), unknownKey(key, name(), allowed));
            }
        }
        return this;
    }

    /** The message for an unknown key, with a suggestion and the allowed keys. */
    public static String unknownKey(String key, String where, Collection<String> allowed) {
        return "unknown key " + Quote.single(key) + " in " + where + Suggestions.hint(key, allowed)
                + "; allowed keys: " + String.join(", ", new TreeSet<>(allowed));
    }

    /** The items of a list. */
    public List<NodeRef> elements() {
        if (!node.isArray()) {
            throw fail("expected a list for " + name() + " but found " + describe());
        }
        List<NodeRef> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(new NodeRef(tree, LocatedTree.child(pointer, Integer.toString(i)), node.get(i)));
        }
        return items;
    }

    /**
     * A "kind -> body" entry: either a mapping with exactly one key, or a plain string standing for a kind without
     * body. The body of a plain string is empty.
     */
    public Map.Entry<String, Optional<NodeRef>> singleEntry(String what) {
        if (node.isTextual()) {
            return Map.entry(node.asText(), Optional.empty());
        }
        if (!node.isObject() || node.size() != 1) {
            throw fail("expected " + what + " as a name or a single-key mapping {name: {...}} but found " + describe());
        }
        String key = node.fieldNames().next();
        return Map.entry(key, child(key).optional());
    }

    private Optional<NodeRef> optional() {
        return node.isNull() || node.isMissingNode() ? Optional.empty() : Optional.of(this);
    }

    /** The string value. */
    public String asText() {
        if (!node.isTextual()) {
            throw fail("expected a string for " + name() + " but found " + describe());
        }
        return node.asText();
    }

    /** The integer value, which must lie in [min, max]. */
    public long asLong(long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw fail("expected an integer for " + name() + " but found " + describe());
        }
        long v = node.asLong();
        if (v < min || v > max) {
            throw fail(name() + " must be in [" + min + ", " + max + "], was " + v);
        }
        return v;
    }

    /** The integer value, which must lie in [min, max]. */
    public int asInt(int min, int max) {
        return (int) asLong(min, max);
    }

    /** The numeric value (an integer is accepted). */
    public double asDouble() {
        if (!node.isNumber()) {
            throw fail("expected a number for " + name() + " but found " + describe());
        }
        return node.asDouble();
    }

    /**
     * Builds a value whose constructor validates: an {@link IllegalArgumentException} becomes a
     * {@link RecipeException} at the child whose key the message names (see {@link #locate}), or at this node.
     */
    public <T> T construct(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RecipeException(locate(e.getMessage()), e.getMessage() == null ? "invalid " + name() : e.getMessage(), e);
        }
    }

    /**
     * Where a validation message about this mapping points: the value of the key that the message names first (keys
     * are matched as whole words, in kebab-case or camelCase), else this node.
     */
    public Location locate(String message) {
        if (message == null || !node.isObject()) {
            return location();
        }
        String best = null;
        int bestAt = Integer.MAX_VALUE;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            int at = Math.min(wordIndex(message, key), wordIndex(message, camel(key)));
            if (at < bestAt) {
                best = key;
                bestAt = at;
            }
        }
        return best == null ? location() : child(best).location();
    }

    private static int wordIndex(String message, String word) {
        for (int i = message.indexOf(word); i >= 0; i = message.indexOf(word, i + 1)) {
            boolean startOk = i == 0 || !isWordChar(message.charAt(i - 1));
            int end = i + word.length();
            boolean endOk = end == message.length() || !isWordChar(message.charAt(end));
            if (startOk && endOk) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }

    private static String camel(String kebab) {
        StringBuilder sb = new StringBuilder();
        for (String part : kebab.split("-")) {
            sb.append(sb.length() == 0 ? part : part.isEmpty() ? "" : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return sb.toString();
    }

    /** A RecipeException at this node. */
    public RecipeException fail(String message) {
        return new RecipeException(location(), message);
    }

    /** A short description of the node for "found ..." messages. */
    public String describe() {
        return describe(node);
    }

    /** A short description of {@code n}: {@code a mapping}, {@code a list}, {@code null}, {@code string "x"}, ... */
    public static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        } else if (n.isObject()) {
            return "a mapping";
        } else if (n.isArray()) {
            return "a list";
        } else if (n.isNull()) {
            return "null";
        } else if (n.isTextual()) {
            return "string " + Quote.dquote(n.asText());
        } else if (n.isBoolean()) {
            return "boolean " + n.asText();
        }
        return "number " + n.asText();
    }
}
