package dev.condense.kernel.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run a plan, beyond the recipe itself.
 *
 * @param dataDir  directory holding the data set's files, or null for the cache (fetching on first use)
 * @param cacheDir cache root, or null for the default ({@code ~/.cache/condense} or {@code $CONDENSE_CACHE})
 * @param out      console for progress and log lines
 * @param terminal true to draw progress bars (stdout is a terminal)
 * @param resume   continue an interrupted run from its last checkpoint, if there is one
 */
public record RunOptions(Path dataDir, Path cacheDir, PrintStream out, boolean terminal, boolean resume) {

    public RunOptions {
        Objects.requireNonNull(out, "out");
    }
}
