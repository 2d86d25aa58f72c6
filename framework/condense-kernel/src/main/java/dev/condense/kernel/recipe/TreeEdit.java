package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A mutable copy of a {@link LocatedTree}: nodes are replaced by pointer and the locations of the replaced subtree go
 * with them, so every value keeps the location where it was written (another file, or the command line). Used by
 * {@code extends} merging, {@code --set} overrides and {@code ${var}} substitution; never shared.
 */
final class TreeEdit {
    private final Path file;
    private JsonNode root;
    private final Map<String, Location> values;
    private final Map<String, Location> keys;

    /** A copy of {@code tree} whose result will name {@code file} as its file. */
    TreeEdit(LocatedTree tree, Path file) {
        this.file = file;
        this.root = tree.root().deepCopy();
        this.values = new HashMap<>(tree.valueLocations());
        this.keys = new HashMap<>(tree.keyLocations());
    }

    /** The node at {@code pointer}, or a {@link MissingNode}. */
    JsonNode get(String pointer) {
        return pointer.isEmpty() ? root : root.at(pointer);
    }

    /** The current root. */
    JsonNode root() {
        return root;
    }

    /**
     * Puts a copy of the subtree at {@code from} of {@code source} at {@code pointer} (whose parent must exist), with
     * the source's locations for it and everything below it, key location included.
     */
    void graft(String pointer, LocatedTree source, String from) {
        set(pointer, source.root().at(from).deepCopy());
        forget(pointer);
        copy(source.valueLocations(), values, from, pointer);
        copy(source.keyLocations(), keys, from, pointer);
    }

    /** As {@link #graft}, but the key at {@code pointer}, if any, keeps its own location. */
    void graftValue(String pointer, LocatedTree source, String from) {
        Location key = keys.get(pointer);
        graft(pointer, source, from);
        keys.remove(pointer);
        if (key != null) {
            keys.put(pointer, key);
        }
    }

    /** Puts {@code node} at {@code pointer}, located at {@code at}; the key, if any, keeps its location. */
    void put(String pointer, JsonNode node, Location at) {
        Location key = keys.get(pointer);
        set(pointer, node);
        forget(pointer);
        values.put(pointer, at);
        if (key != null) {
            keys.put(pointer, key);
        }
    }

    /** Records where the value at {@code pointer} (a mapping that is merged, not replaced) is written now. */
    void relocate(String pointer, Location value, Location key) {
        values.put(pointer, value);
        if (key != null) {
            keys.put(pointer, key);
        }
    }

    /** Removes the mapping entry at {@code pointer}, if present, with its locations. */
    void remove(String pointer) {
        if (get(LocatedTree.parent(pointer)) instanceof ObjectNode parent) {
            parent.remove(LocatedTree.lastSegment(pointer));
            forget(pointer);
        }
    }

    /** A snapshot of the edited tree (later edits do not change it). */
    LocatedTree build() {
        return new LocatedTree(file, root.deepCopy(), values, keys);
    }

    private void set(String pointer, JsonNode node) {
        if (pointer.isEmpty()) {
            root = node;
            return;
        }
        JsonNode parent = get(LocatedTree.parent(pointer));
        String last = LocatedTree.lastSegment(pointer);
        if (parent instanceof ObjectNode o) {
            o.set(last, node);
        } else if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), node);
        } else {
            throw new IllegalStateException("no container at the parent of " + pointer);
        }
    }

    private void forget(String pointer) {
        values.keySet().removeIf(p -> LocatedTree.isWithin(p, pointer));
        keys.keySet().removeIf(p -> LocatedTree.isWithin(p, pointer));
    }

    private static void copy(Map<String, Location> from, Map<String, Location> to, String source, String target) {
        from.forEach((p, at) -> {
            if (LocatedTree.isWithin(p, source)) {
                to.put(target + p.substring(source.length()), at);
            }
        });
    }
}
