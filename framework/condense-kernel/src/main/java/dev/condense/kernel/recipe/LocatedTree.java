package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed YAML document with the source location of every node and every mapping key.
 *
 * <p>Nodes are addressed by JSON pointer ({@code ""} is the root, {@code /stages/1/prune/sparsity} a nested value;
 * {@code ~} and {@code /} in keys are escaped as {@code ~0} and {@code ~1}). Locations are keyed by path, never by node
 * identity: Jackson shares the instances of small numbers, so the same node object can sit at many paths.
 */
public final class LocatedTree {
    private final Path file;
    private final JsonNode root;
    private final Map<String, Location> values;
    private final Map<String, Location> keys;

    LocatedTree(Path file, JsonNode root, Map<String, Location> values, Map<String, Location> keys) {
        this.file = Objects.requireNonNull(file, "file");
        this.root = Objects.requireNonNull(root, "root");
        this.values = Map.copyOf(values);
        this.keys = Map.copyOf(keys);
    }

    /** The file the tree was read from. */
    public Path file() {
        return file;
    }

    /** The document's root node. */
    public JsonNode root() {
        return root;
    }

    /** The root as a navigable reference. */
    public NodeRef rootRef() {
        return new NodeRef(this, "", root);
    }

    /**
     * Where the value at {@code pointer} starts. When no node was recorded at that path (e.g. a key that is absent),
     * the location of its nearest recorded ancestor.
     */
    public Location at(String pointer) {
        String p = pointer;
        while (!values.containsKey(p) && !p.isEmpty()) {
            p = parent(p);
        }
        return values.getOrDefault(p, new Location(file, 1, 1));
    }

    /** Where the key naming the value at {@code pointer} starts, or {@link #at} when that value has no key. */
    public Location keyAt(String pointer) {
        Location key = keys.get(pointer);
        return key != null ? key : at(pointer);
    }

    /** True when {@code pointer} names a value that is a mapping entry (it has a key). */
    public boolean hasKey(String pointer) {
        return keys.containsKey(pointer);
    }

    /** Every recorded value location, by pointer (for {@link TreeEdit}). */
    Map<String, Location> valueLocations() {
        return values;
    }

    /** Every recorded key location, by pointer (for {@link TreeEdit}). */
    Map<String, Location> keyLocations() {
        return keys;
    }

    /** True when {@code pointer} is {@code ancestor} or lies below it. */
    static boolean isWithin(String pointer, String ancestor) {
        return pointer.equals(ancestor) || pointer.startsWith(ancestor + "/");
    }

    /** The pointer of the parent of {@code pointer}; the root's parent is the root. */
    public static String parent(String pointer) {
        int slash = pointer.lastIndexOf('/');
        return slash <= 0 ? "" : pointer.substring(0, slash);
    }

    /** The pointer of child {@code key} (a mapping key or a list index) of {@code pointer}. */
    public static String child(String pointer, String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    /** The unescaped last segment of {@code pointer}, or the empty string for the root. */
    public static String lastSegment(String pointer) {
        return pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    }
}
