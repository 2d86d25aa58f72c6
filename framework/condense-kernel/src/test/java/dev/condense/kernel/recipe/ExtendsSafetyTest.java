package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtendsSafetyTest {
    private static final String SECRET = "hunter2-password-hash";

    @TempDir
    Path dir;

    @Test
    void extendsOfAFileThatIsNotYamlIsRefusedUnread() throws Exception {
        write(dir, "secrets.txt", "root:" + SECRET + ":0:0\n");
        Path f = write(dir, "r.yaml", "extends: secrets.txt\nrecipe: r\n");
        RecipeException e = assertError(() -> RecipeLoader.load(f), f, 1, 10, "extends must name a YAML recipe file",
                "'secrets.txt'");
        assertFalse(e.getMessage().contains(SECRET));
        Path passwd = write(dir, "p.yaml", "extends: /etc/passwd\nrecipe: r\n");
        RecipeException p = assertError(() -> RecipeLoader.load(passwd), passwd, 1, 10, "extends must name a YAML");
        assertFalse(p.getMessage().contains("root:"), p.getMessage());
    }

    @Test
    void aYamlNamedLinkToAnotherFileIsRefused() throws Exception {
        Path secret = write(dir, "shadow", "root:" + SECRET + ":0:0\n");
        Files.createSymbolicLink(dir.resolve("base.yaml"), secret);
        Path f = write(dir, "r.yaml", "extends: base.yaml\nrecipe: r\n");
        RecipeException e = assertError(() -> RecipeLoader.load(f), f, 1, 10, "a link to", "not a YAML recipe file");
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void aBaseThatIsADirectoryOrTooLargeIsReportedAtTheExtendsValue() throws Exception {
        Files.createDirectory(dir.resolve("dir.yaml"));
        Path f = write(dir, "r.yaml", "extends: dir.yaml\nrecipe: r\n");
        assertError(() -> RecipeLoader.load(f), f, 1, 10, "base recipe is a directory, not a file");
        write(dir, "huge.yaml", "recipe: " + "x".repeat(RecipeFiles.MAX_BYTES) + "\n");
        Path g = write(dir, "g.yaml", "extends: huge.yaml\nrecipe: r\n");
        RecipeException e = assertError(() -> RecipeLoader.load(g), g, 1, 10, "over the limit of 1 MiB");
        assertFalse(e.getMessage().contains("xxxx"));
    }

    @Test
    void aBaseWhoseRootIsNotAMappingIsNotQuoted() {
        write(dir, "text.yaml", "'" + SECRET + "'\n");
        Path f = write(dir, "r.yaml", "extends: text.yaml\nrecipe: r\n");
        RecipeException e = assertError(() -> RecipeLoader.load(f), dir.resolve("text.yaml"), 1, 1,
                "a base recipe must be a mapping but found a string");
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void valuesFromABaseAreQuotedCut() {
        write(dir, "base.yaml", "recipe: " + "Q".repeat(5000) + "\nmodel: {zoo: lenet-5}\nstages: [export]\n");
        Path f = write(dir, "r.yaml", "extends: base.yaml\n");
        RecipeException e = assertError(() -> RecipeLoader.load(f), dir.resolve("base.yaml"), 1, 9,
                "(5000 characters)");
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }
}
