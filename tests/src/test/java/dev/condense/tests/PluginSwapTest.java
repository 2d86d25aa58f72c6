package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Techniques come from the plugins directory: remove a zip and recipes using it fail cleanly; put it back and they run. */
class PluginSwapTest {
    @TempDir
    Path dir;

    @Test
    void removingAndRestoringThePluginZipWithoutRecompiling() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path shelf = Files.createDirectory(dir.resolve("shelf"));
        for (Path zip : DistributionLayoutTest.pluginZips()) {
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        Path recipe = Recipes.write(dir, "swap.yaml", Recipes.small("swap", 1000));
        Files.move(plugins.resolve("prune-magnitude.zip"), shelf.resolve("prune-magnitude.zip"));

        Cli.Result missing = Cli.run(dir, "run", "--plugins-dir", plugins.toString(), recipe.toString());
        assertEquals(2, missing.exit(), missing.all());
        assertTrue(missing.err().contains("'magnitude'"), missing.err());
        assertTrue(missing.err().contains("installed"), "must list the installed ids: " + missing.err());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing may be written on bad input");

        Cli.Result listed = Cli.run(dir, Map.of("CONDENSE_PLUGINS", plugins.toString()), "plugins", "list");
        assertEquals(0, listed.exit(), listed.all());
        assertFalse(listed.out().contains("prune-magnitude"), listed.out());

        Files.move(shelf.resolve("prune-magnitude.zip"), plugins.resolve("prune-magnitude.zip"), StandardCopyOption.ATOMIC_MOVE);
        Cli.Result again = Cli.run(dir, Map.of("CONDENSE_PLUGINS", plugins.toString()), "run", recipe.toString());
        assertEquals(0, again.exit(), again.all());
        assertTrue(Files.isRegularFile(dir.resolve("runs/swap/model.onnx")), again.all());
    }

    @Test
    void pluginsListShowsTheStartedPluginAndItsExtension() throws Exception {
        Cli.Result r = Cli.run(dir, "plugins", "list");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("prune-magnitude"), r.out());
        assertTrue(r.out().contains("STARTED"), r.out());
        assertTrue(r.out().contains("importance-scorer"), r.out());
        assertTrue(r.out().contains("magnitude"), r.out());
    }

    @Test
    void versionAndHelp() throws Exception {
        Cli.Result v = Cli.run(dir, "--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("condense 0.1.0"), v.out());
        Cli.Result h = Cli.run(dir, "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("run") && h.out().contains("validate") && h.out().contains("plugins"), h.out());
    }
}
