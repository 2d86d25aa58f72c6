package dev.condense.kernel.run;

import dev.condense.kernel.plugin.FileTrees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The output of a run: everything is written into a temporary sibling directory, which {@link #commit()} renames
 * into place only when the whole run succeeded (design invariant 3). A failed run leaves the previous output
 * untouched and removes its temporary directory in {@link #close()}.
 */
public final class RunDirectory implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private boolean committed;

    private RunDirectory(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** Creates the temporary directory beside {@code target} (creating parents as needed). */
    public static RunDirectory open(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        // not createTempDirectory: its owner-only permissions would carry over to the committed output
        Path temp = Files.createDirectory(abs.resolveSibling("." + abs.getFileName() + ".tmp-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        return new RunDirectory(abs, temp);
    }

    /** Where to write while the run is in progress. */
    public Path temp() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** Moves the finished output into place, replacing a previous run's output. */
    public void commit() throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            move(target, old);
        }
        move(temp, target);
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
        if (!committed) {
            FileTrees.deleteQuietly(temp);
        }
    }
}
