package dev.condense.kernel.recipe;

import dev.condense.engine.text.Quote;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A position in a recipe file, as shown to users: {@code file:line:column}.
 *
 * <p>Lines and columns are 1-based, as Jackson reports them. A location with line 0 (and column 0) points at the
 * file as a whole, e.g. when the file cannot be read at all.
 *
 * @param file   the recipe file, as the user named it
 * @param line   1-based line, or 0 for the whole file
 * @param column 1-based column, or 0 for the whole file
 */
public record Location(Path file, int line, int column) {

    public Location {
        Objects.requireNonNull(file, "file");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0, were " + line + ":" + column);
        }
    }

    /** The location standing for the whole of {@code file}. */
    public static Location ofFile(Path file) {
        return new Location(file, 0, 0);
    }

    @Override
    public String toString() {
        return Quote.path(file) + ":" + line + ":" + column;
    }
}
