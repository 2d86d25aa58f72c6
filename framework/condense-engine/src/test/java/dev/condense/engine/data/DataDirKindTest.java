package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A --data-dir that is not a directory says what it is instead. */
class DataDirKindTest {
    @TempDir
    Path dir;

    private String message(Path dataDir) {
        return assertThrows(DataUnavailableException.class,
                () -> new CsvSource().load(DataOptions.defaults().withDataDir(dataDir))).getMessage();
    }

    @Test
    void eachKindOfWrongDataDirHasItsOwnMessage() throws Exception {
        Path file = Files.writeString(dir.resolve("train.csv"), "label,x\n0,1\n");
        assertTrue(message(file).endsWith(file + " is a file, not a directory"), message(file));
        assertTrue(message(dir.resolve("gone")).endsWith("gone not found"), message(dir.resolve("gone")));
        Path fifo = dir.resolve("pipe");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        assertTrue(message(fifo).endsWith("is a named pipe (FIFO), not a directory"), message(fifo));
    }
}
