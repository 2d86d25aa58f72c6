package dev.condense.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
    @TempDir
    Path dir;

    @Test
    void eachKindOfPathHasItsOwnProblem() throws Exception {
        Path file = Files.writeString(dir.resolve("m.onnx"), "x");
        assertEquals(FileKind.REGULAR, FileKind.of(file));
        assertEquals(Optional.empty(), InputFiles.fileProblem(file));
        assertEquals(Optional.of("is a directory, not a file"), InputFiles.fileProblem(dir));
        assertEquals(Optional.of("not found"), InputFiles.fileProblem(dir.resolve("gone.onnx")));
        Path link = Files.createSymbolicLink(dir.resolve("dangling.onnx"), dir.resolve("nowhere"));
        assertEquals(Optional.of("is a symbolic link to a missing file"), InputFiles.fileProblem(link));
        assertEquals(Optional.of("is a file, not a directory"), InputFiles.directoryProblem(file));
        assertEquals(Optional.empty(), InputFiles.directoryProblem(dir));
    }

    @Test
    void fifoIsRecognisedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("pipe.onnx");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo is not available");
        assertEquals(FileKind.FIFO, FileKind.of(fifo)); // would block forever if it opened the FIFO
        assertEquals(Optional.of("is a named pipe (FIFO), not a regular file"), InputFiles.fileProblem(fifo));
        assertEquals(Optional.of("is a named pipe (FIFO), not a directory"), InputFiles.directoryProblem(fifo));
    }

    @Test
    void devicesAreNotRegularFiles() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero));
        assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(zero));
        assertEquals(Optional.of("is a character device, not a regular file"), InputFiles.fileProblem(zero));
    }

    @Test
    void readAtMostStopsOneBytePastTheLimit() throws Exception {
        Path f = Files.write(dir.resolve("big.bin"), new byte[1000]);
        assertEquals(101, InputFiles.readAtMost(f, 100).length);
        assertArrayEquals(new byte[1000], InputFiles.readAtMost(f, 1000));
        assertEquals("1 MiB (1,048,576 bytes)", InputFiles.size(1 << 20));
        assertEquals("1,000 bytes", InputFiles.size(1000));
    }

    @Test
    void readAllReturnsTheBytesOrNamesThePathItCannotRead() throws Exception {
        Path f = Files.write(dir.resolve("x.npy"), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, InputFiles.readAll(f));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> InputFiles.readAll(dir));
        assertTrue(e.getMessage().startsWith("cannot read " + dir + ": "), e.getMessage());
    }
}
