package dev.condense.engine.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a path names, as far as reading it is concerned, found without opening it (so a FIFO never blocks and a device
 * is never read). Symbolic links are followed; a link to nothing is {@link #BROKEN_LINK}.
 */
public enum FileKind {
    REGULAR("a regular file"),
    DIRECTORY("a directory"),
    FIFO("a named pipe (FIFO)"),
    CHARACTER_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    SOCKET("a socket"),
    OTHER("not a regular file"),
    MISSING("missing"),
    BROKEN_LINK("a symbolic link to a missing file"),
    INACCESSIBLE("inaccessible");

    private static final int S_IFMT = 0170000;
    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /** {@code "a directory"}, {@code "a named pipe (FIFO)"}, ... */
    public String description() {
        return description;
    }

    /** The kind of {@code path}; never opens it. */
    public static FileKind of(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Files.isSymbolicLink(path) ? BROKEN_LINK : MISSING;
        } catch (AccessDeniedException e) {
            return INACCESSIBLE;
        } catch (IOException e) {
            return MISSING;
        }
        if (a.isRegularFile()) {
            return REGULAR;
        }
        if (a.isDirectory()) {
            return DIRECTORY;
        }
        return special(path);
    }

    /** FIFO, device or socket, from the Unix mode bits when the platform exposes them. */
    private static FileKind special(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            if (mode instanceof Integer m) {
                return switch (m & S_IFMT) {
                    case 0010000 -> FIFO;
                    case 0020000 -> CHARACTER_DEVICE;
                    case 0060000 -> BLOCK_DEVICE;
                    case 0140000 -> SOCKET;
                    default -> OTHER;
                };
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view: fall through
        }
        return OTHER;
    }
}
