package dev.condense.kernel.run;

import dev.condense.kernel.plugin.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The output of a run (design invariant 3): everything is written into {@code .<name>.partial} beside the output
 * directory, which {@link #commit} renames into place only when the whole run succeeded. A run that fails or is
 * killed leaves the partial directory with its last checkpoint, for {@code --resume}; one with no checkpoint yet is
 * removed by {@link #close()}. The previous output stays untouched until the commit.
 *
 * <p>Every directory made here carries the marker file {@link #MARKER} (fixed content, so it does not disturb
 * reproducible bytes): it is how a later run knows that the directory is Condense's to replace. Which existing
 * directories may be replaced is decided by {@link OutputGuard} before the run starts; this class only refuses (with
 * an {@link IllegalStateException}) to delete an unmarked directory that the guard should have stopped.
 */
public final class RunDirectory implements AutoCloseable {
    /** The marker file of a Condense run directory. */
    public static final String MARKER = ".condense-run";
    private static final String MARKER_TEXT = "This directory is the output of a Condense run. A later run with the same"
            + " output directory replaces it as a whole.\n";

    private final Path target;
    private final Path partial;
    private final boolean resumed;
    private final boolean force;
    private boolean committed;
    private boolean keep;

    private RunDirectory(Path target, Path partial, boolean resumed, boolean force) {
        this.target = target;
        this.partial = partial;
        this.resumed = resumed;
        this.force = force;
    }

    /** The partial directory of output directory {@code target} (absolute): {@code .<name>.partial} beside it. */
    public static Path partialOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".partial");
    }

    /** True when {@code dir} carries the {@link #MARKER} of a Condense run directory. */
    public static boolean isMarked(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Opens the partial directory beside {@code target}, after {@link OutputGuard#check} allowed it.
     *
     * @param resume keep a partial directory left by an interrupted run; otherwise it is discarded
     * @param force  an unmarked partial or output directory may be replaced ({@code --force})
     */
    public static RunDirectory open(Path target, boolean resume, boolean force) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            throw new IllegalArgumentException("the filesystem root cannot be an output directory");
        }
        Files.createDirectories(abs.getParent());
        Path partial = partialOf(abs);
        boolean resumed = resume && Files.isDirectory(partial, LinkOption.NOFOLLOW_LINKS) && isMarked(partial);
        if (!resumed) {
            requireReplaceable(partial, force);
            FileTrees.deleteQuietly(partial);
            Files.createDirectory(partial);
        }
        Files.writeString(partial.resolve(MARKER), MARKER_TEXT, StandardCharsets.UTF_8);
        return new RunDirectory(abs, partial, resumed, force);
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

    /**
     * Moves the finished output into place, replacing a previous run's output.
     *
     * @param recheck run just before: the output directory may have appeared during the run; when it throws, the
     *                finished partial directory is kept (not removed by {@link #close()}) and nothing is replaced
     */
    public void commit(Runnable recheck) throws IOException {
        try {
            recheck.run();
            requireReplaceable(target, force);
        } catch (RuntimeException e) {
            keep = true;
            throw e;
        }
        Path old = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            move(target, old);
        }
        move(partial, target);
        committed = true;
        if (old != null) {
            FileTrees.deleteQuietly(old);
        }
    }

    /** Refuses to replace {@code dir} when it exists, is not marked, not empty, and {@code force} is off. */
    private static void requireReplaceable(Path dir, boolean force) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || force || isMarked(dir)) {
            return;
        }
        boolean empty;
        try (var s = Files.list(dir)) {
            empty = s.findAny().isEmpty();
        }
        if (!empty) {
            throw new IllegalStateException(dir + " exists and is not a Condense run directory; not replacing it");
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
        if (!committed && !keep && !Checkpoints.exists(partial)) {
            FileTrees.deleteQuietly(partial);
        }
    }
}
