package dev.condense.kernel.run;

import dev.condense.kernel.plugin.FileTrees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The output of a run (design invariant 3): everything is written into {@code .<name>.partial} beside the output
 * directory, which {@link #commit()} renames into place only when the whole run succeeded. A run that fails or is
 * killed leaves the partial directory with its last checkpoint, for {@code --resume}; one with no checkpoint yet is
 * removed by {@link #close()}. The previous output stays untouched until the commit.
 */
public final class RunDirectory implements AutoCloseable {
    private final Path target;
    private final Path partial;
    private final boolean resumed;
    private boolean committed;

    private RunDirectory(Path target, Path partial, boolean resumed) {
        this.target = target;
        this.partial = partial;
        this.resumed = resumed;
    }

    /**
     * Opens the partial directory beside {@code target}.
     *
     * @param resume keep a partial directory left by an interrupted run; otherwise it is discarded
     */
    public static RunDirectory open(Path target, boolean resume) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        Path partial = abs.resolveSibling("." + abs.getFileName() + ".partial");
        boolean resumed = resume && Files.isDirectory(partial);
        if (!resumed) {
            FileTrees.deleteQuietly(partial);
            Files.createDirectory(partial);
        }
        return new RunDirectory(abs, partial, resumed);
    }

    /** Where to write while the run is in progress. */
    public Path temp() {
        return partial;
    }

    public Path target() {
        return target;
    }

    /** True when this run continues an interrupted one. */
    public boolean resumed() {
        return resumed;
    }

    /** Moves the finished output into place, replacing a previous run's output. */
    public void commit() throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            move(target, old);
        }
        move(partial, target);
        committed = true;
        if (old != null) {
            FileTrees.deleteQuietly(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    @Override
    public void close() {
        if (!committed && !Checkpoints.exists(partial)) {
            FileTrees.deleteQuietly(partial);
        }
    }
}
