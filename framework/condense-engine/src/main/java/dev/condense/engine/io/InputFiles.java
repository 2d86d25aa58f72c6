package dev.condense.engine.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks and bounded reads for files named by users (recipes, extends bases, models, teachers, data directories), so
 * that each wrong kind of path gets its own message and no read blocks on a FIFO or runs forever on a device.
 *
 * <p>Messages are predicates to put after a noun: {@code "model file " + problem}, e.g. {@code "not found"},
 * {@code "is a directory, not a file"}, {@code "is a named pipe (FIFO), not a regular file"}.
 */
public final class InputFiles {

    private InputFiles() {
    }

    /** Why {@code path} cannot be read as a regular file; empty when it is a readable regular file. */
    public static Optional<String> fileProblem(Path path) {
        FileKind kind = FileKind.of(path);
        return Optional.ofNullable(switch (kind) {
            case REGULAR -> Files.isReadable(path) ? null : "is not readable (permission denied)";
            case DIRECTORY -> "is a directory, not a file";
            case MISSING -> "not found";
            case BROKEN_LINK, INACCESSIBLE -> common(kind);
            default -> "is " + kind.description() + ", not a regular file";
        });
    }

    /** Why {@code path} cannot be read as a directory; empty when it is a readable directory. */
    public static Optional<String> directoryProblem(Path path) {
        FileKind kind = FileKind.of(path);
        return Optional.ofNullable(switch (kind) {
            case DIRECTORY -> Files.isReadable(path) ? null : "is not readable (permission denied)";
            case REGULAR -> "is a file, not a directory";
            case MISSING -> "not found";
            case BROKEN_LINK, INACCESSIBLE -> common(kind);
            default -> "is " + kind.description() + ", not a directory";
        });
    }

    private static String common(FileKind kind) {
        return kind == FileKind.BROKEN_LINK ? "is a symbolic link to a missing file"
                : "cannot be reached (permission denied on a directory of its path)";
    }

    /**
     * Reads the whole of {@code path} (a regular file, checked by the caller).
     *
     * @throws UncheckedIOException {@code "cannot read <path>: <reason>"} when the read fails
     */
    public static byte[] readAll(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads at most {@code limit + 1} bytes of {@code path} (a regular file, checked by the caller): a result longer
     * than {@code limit} means the file is over the limit, however large it is or grows.
     */
    public static byte[] readAtMost(Path path, long limit) throws IOException {
        if (limit < 0 || limit >= Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("limit must be in [0, 2^31 - 10], was " + limit);
        }
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes((int) limit + 1);
        }
    }

    /** {@code bytes} as {@code "1 MiB (1,048,576 bytes)"}-style text for size messages. */
    public static String size(long bytes) {
        String exact = String.format(java.util.Locale.ROOT, "%,d bytes", bytes);
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB (" + exact + ")";
        }
        return exact;
    }
}
