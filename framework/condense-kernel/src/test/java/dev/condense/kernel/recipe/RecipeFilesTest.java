package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeFilesTest {
    @TempDir
    Path dir;

    @Test
    void bytesThatAreNotUtf8AreLocatedWithTheirOffset() throws Exception {
        byte[] head = "recipe: r\nmodel: {zoo: lenet-5}\n# caf".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 2];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xe9; // Latin-1 é
        bytes[head.length + 1] = '\n';
        Path f = Files.write(dir.resolve("latin1.yaml"), bytes);
        assertError(() -> YamlReader.read(f), f, 3, 6, "not valid UTF-8: byte 0xe9 at byte offset 37");
    }

    @Test
    void columnsCountCodePointsAndCrlfIsOneLineBreak() throws Exception {
        byte[] head = "a: 1\r\nb: \u00e9\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 1);
        bytes[head.length] = (byte) 0xff;
        Path f = Files.write(dir.resolve("r.yaml"), bytes);
        assertError(() -> YamlReader.read(f), f, 2, 6, "byte 0xff at byte offset " + head.length);
    }

    @Test
    void aRecipeOverTheLimitIsRefusedBeforeItIsParsed() throws Exception {
        Path f = write(dir, "big.yaml", "recipe: " + "a".repeat(RecipeFiles.MAX_BYTES));
        RecipeException e = assertError(() -> YamlReader.read(f), f, 0, 0,
                "recipe file is 1,048,584 bytes, over the limit of 1 MiB (1,048,576 bytes)");
        assertFalse(e.getMessage().contains("aaaa"), e.getMessage());
    }

    @Test
    void directoriesFifosAndDevicesEachHaveTheirOwnMessage() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d.yaml"));
        assertError(() -> YamlReader.read(d), d, 0, 0, "recipe file is a directory, not a file");
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            assertError(() -> YamlReader.read(zero), zero, 0, 0, "recipe file is a character device");
        }
        Path fifo = dir.resolve("p.yaml");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        assertError(() -> YamlReader.read(fifo), fifo, 0, 0, "recipe file is a named pipe (FIFO)");
    }

    @Test
    void aLongValueIsQuotedCutInErrors() {
        Path f = write(dir, "r.yaml", "recipe: " + "N".repeat(900_000) + "\nmodel: {zoo: lenet-5}\nstages: [export]\n");
        RecipeException e = assertError(() -> RecipeLoader.load(f), f, 1, 9, "(900000 characters)");
        assertEquals(true, e.getMessage().length() < 300, e.getMessage());
    }
}
