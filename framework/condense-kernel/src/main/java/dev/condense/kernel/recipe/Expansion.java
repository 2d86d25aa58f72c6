package dev.condense.kernel.recipe;

import java.util.Locale;

/**
 * The size budget of one YAML document as read, aliases expanded: at most {@link #MAX_NODES} nodes (scalars, mappings
 * and lists, each alias counting as a full copy of its anchored node)
 * at most {@link #MAX_PATH_CHARS} characters of node paths (the JSON pointers under which locations are kept; it
 * bounds memory when aliases nest under long keys), and at most {@link #MAX_DEPTH} levels deep (aliases nested in
 * aliases could otherwise build a tree deep enough to overflow the stack of every recursive walk). A legitimate recipe holds a few hundred nodes; a "billion laughs"
 * document (nine aliases of nine aliases ...) hits the limit after at most {@code MAX_NODES} copies, in milliseconds.
 */
final class Expansion {
    /** The most nodes a document may expand to. */
    static final long MAX_NODES = 100_000;
    /** The most characters of node paths a document may expand to. */
    static final long MAX_PATH_CHARS = 10_000_000;

    /** The deepest a node may lie once aliases are expanded (Jackson's limit for the text as written). */
    static final int MAX_DEPTH = 1000;

    private long nodes;
    private long pathChars;

    /** Counts the node at {@code pointer} (read or copied at {@code at}). */
    void count(String pointer, Location at) {
        reserve(1, at);
        path(pointer, at);
    }

    /** Counts {@code n} more nodes before they are copied. */
    void reserve(long n, Location at) {
        nodes += n;
        if (nodes > MAX_NODES) {
            throw new RecipeException(at, String.format(Locale.ROOT, "the document expands to more than %,d nodes "
                    + "(every alias counts as a copy of its anchored node); this limit guards against alias bombs",
                    MAX_NODES));
        }
    }

    /** Counts the characters of one more node path, which may be at most {@link #MAX_DEPTH} levels deep. */
    void path(String pointer, Location at) {
        pathChars += pointer.length();
        if (pointer.chars().filter(c -> c == '/').count() > MAX_DEPTH) {
            throw new RecipeException(at, String.format(Locale.ROOT, "the document nests more than %,d levels deep "
                    + "once aliases are expanded", MAX_DEPTH));
        }
        if (pathChars > MAX_PATH_CHARS) {
            throw new RecipeException(at, String.format(Locale.ROOT, "the document expands to more than %,d "
                    + "characters of node paths (aliases nested under long keys); this limit guards against alias "
                    + "bombs", MAX_PATH_CHARS));
        }
    }

    /** Nodes counted so far. */
    long nodes() {
        return nodes;
    }
}
