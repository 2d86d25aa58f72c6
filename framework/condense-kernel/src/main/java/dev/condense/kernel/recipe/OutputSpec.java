package dev.condense.kernel.recipe;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a run writes its results.
 *
 * @param dir the output directory as written in the recipe; a relative path resolves against the working directory
 *            (not the recipe's directory), so {@code runs/x} lands next to where the user runs condense
 * @param location where {@code output.dir} is written, or the recipe name when the directory is the default
 *                 {@code runs/<recipe>}: where a refusal of the directory ({@code OutputGuard}) points
 */
public record OutputSpec(Path dir, Location location) {

    public OutputSpec {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(location, "location");
        if (dir.toString().isBlank()) {
            throw new IllegalArgumentException("dir must not be empty");
        }
    }

    /** The directory resolved against the current working directory. */
    public Path resolvedDir() {
        return dir.toAbsolutePath().normalize();
    }
}
