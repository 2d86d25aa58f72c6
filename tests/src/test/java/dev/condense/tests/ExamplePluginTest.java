package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin project in examples/prune-lamp, outside the reactor, builds against the installed condense-api
 * and testkit, and its zip dropped into a plugins directory is used by a recipe, with no other rebuild.
 */
class ExamplePluginTest {
    private static final Path EXAMPLE = Cli.DIST.resolve("../../../examples/prune-lamp").normalize();

    @TempDir
    Path dir;

    @Test
    void buildsStandaloneAndRunsFromThePluginsDirectory() throws Exception {
        Path log = dir.resolve("mvn.log");
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", EXAMPLE.resolve("pom.xml").toString(), "package")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(mvn.waitFor(10, TimeUnit.MINUTES), "example build timed out");
        assertEquals(0, mvn.exitValue(), Files.readString(log));
        Path zip = EXAMPLE.resolve("target/prune-lamp.zip");
        assertTrue(Files.isRegularFile(zip), "no " + zip);

        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        for (Path z : DistributionLayoutTest.pluginZips()) {
            Files.copy(z, plugins.resolve(z.getFileName()));
        }
        Files.copy(zip, plugins.resolve("prune-lamp.zip"));
        Cli.Result info = Cli.run(dir, "plugins", "info", "lamp", "--plugins-dir", plugins.toString());
        assertEquals(0, info.exit(), info.all());
        assertTrue(info.out().contains("ICLR 2021"), info.out());

        String recipe = Recipes.small("lamp", 1000).replace("scorer: magnitude", "scorer: lamp");
        Recipes.write(dir, "lamp.yaml", recipe);
        Cli.Result run = Cli.run(dir, "run", "--plugins-dir", plugins.toString(), "lamp.yaml");
        assertEquals(0, run.exit(), run.all());
        assertTrue(Files.isRegularFile(dir.resolve("runs/lamp/model.onnx")), run.all());
        assertTrue(Files.readString(dir.resolve("runs/lamp/provenance.yaml")).contains("prune-lamp"));
    }
}
