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
 * @param force    replace an existing output directory that Condense did not make ({@link OutputGuard}; never the
 *                 root, home, working directory or one holding the recipe or model)
 * @param log      where library logging goes while the run has a directory ({@link RunLog#NONE}: left alone)
 */
public record RunOptions(Path dataDir, Path cacheDir, PrintStream out, boolean terminal, boolean resume, boolean force,
                         RunLog log) {

    public RunOptions {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(log, "log");
    }

    /** Without --force and with library logging left alone. */
    public RunOptions(Path dataDir, Path cacheDir, PrintStream out, boolean terminal, boolean resume) {
        this(dataDir, cacheDir, out, terminal, resume, false, RunLog.NONE);
    }
}
