package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same recipe and seed on the same machine give the same model bytes: across two runs, after a kill -9 in the middle
 * of a stage and --resume, and on --replay of the provenance (which refuses a plugin whose zip changed).
 */
class ReproducibilityTest {
    @TempDir
    static Path dir;
    private static byte[] reference;

    @BeforeAll
    static void referenceRun() throws Exception {
        Recipes.write(dir, "r.yaml", Recipes.small("r", 3000));
        Cli.Result r = Cli.run(dir, "run", "r.yaml");
        assertEquals(0, r.exit(), r.all());
        reference = Files.readAllBytes(dir.resolve("runs/r/model.onnx"));
    }

    @Test
    void aSecondRunGivesBitIdenticalModel() throws Exception {
        Recipes.write(dir, "again.yaml", Recipes.small("r", 3000).replace("runs/r", "runs/again"));
        Cli.Result r = Cli.run(dir, "run", "again.yaml");
        assertEquals(0, r.exit(), r.all());
        assertArrayEquals(reference, Files.readAllBytes(dir.resolve("runs/again/model.onnx")));
    }

    /**
     * Killed in stage 3, then resumed: a recipe changed in its completed stages is refused, one changed only after
     * them (the last evaluate's metrics) resumes, and the model's bytes equal the uninterrupted run's.
     */
    @Test
    void killedInTheMiddleOfAStageThenResumedGivesTheSameBytes() throws Exception {
        Recipes.write(dir, "k.yaml", Recipes.small("r", 3000).replace("runs/r", "runs/k"));
        Path log = dir.resolve("k.out");
        Process p = Cli.start(dir, "k", "run", "k.yaml");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.readString(log).contains("prune step 1/2") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(p.isAlive(), "the run ended before it could be killed: " + Files.readString(log));
        p.destroyForcibly().waitFor();
        assertTrue(Files.notExists(dir.resolve("runs/k")), "a killed run must not leave output in place");
        assertTrue(Files.isDirectory(dir.resolve("runs/.k.partial/.checkpoint")), "no checkpoint after the kill");

        String recipe = Recipes.small("r", 3000).replace("runs/r", "runs/k");
        Recipes.write(dir, "k.yaml", recipe.replace("lr: 2.0e-3", "lr: 3.0e-3"));
        Cli.Result changedEarly = Cli.run(dir, "run", "--resume", "k.yaml");
        assertEquals(2, changedEarly.exit(), changedEarly.all());
        assertTrue(changedEarly.err().contains("differs from this one before or in its completed stages (1-2)"),
                changedEarly.err());
        Recipes.write(dir, "k.yaml", recipe.replace("  - evaluate: {metrics: [accuracy, size]}\n  - export",
                "  - evaluate: {metrics: [accuracy]}\n  - export"));
        Cli.Result resumed = Cli.run(dir, "run", "--resume", "k.yaml");
        assertEquals(0, resumed.exit(), resumed.all());
        assertTrue(resumed.out().contains("resuming after stage 2 of 5 (the recipe changed after stage 2 since the"
                + " interruption)"), resumed.out());
        assertArrayEquals(reference, Files.readAllBytes(dir.resolve("runs/k/model.onnx")));
    }

    @Test
    void replayReproducesTheModelAndRefusesAChangedPlugin() throws Exception {
        Path provenance = dir.resolve("runs/r/provenance.yaml");
        Cli.Result replay = Cli.run(dir, "run", "--replay", provenance.toString());
        assertEquals(0, replay.exit(), replay.all());
        assertArrayEquals(reference, Files.readAllBytes(dir.resolve("runs/r-replay/model.onnx")));

        Path plugins = Files.createDirectories(dir.resolve("changed-plugins"));
        for (Path zip : DistributionLayoutTest.pluginZips()) {
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        try (OutputStream out = Files.newOutputStream(plugins.resolve("prune-magnitude.zip"));
             ZipOutputStream z = new ZipOutputStream(out)) {
            try (var in = new java.util.zip.ZipFile(DistributionLayoutTest.pluginZips().stream()
                    .filter(x -> x.getFileName().toString().equals("prune-magnitude.zip")).findFirst().orElseThrow().toFile())) {
                for (ZipEntry e : java.util.Collections.list(in.entries())) {
                    z.putNextEntry(new ZipEntry(e.getName()));
                    in.getInputStream(e).transferTo(z);
                }
            }
            z.putNextEntry(new ZipEntry("CHANGED"));
            z.write(1);
        }
        Cli.Result refused = Cli.run(dir, "run", "--plugins-dir", plugins.toString(), "--replay", provenance.toString());
        assertEquals(2, refused.exit(), refused.all());
        assertTrue(refused.err().contains("plugin prune-magnitude"), refused.err());
        assertTrue(refused.err().contains("sha256"), refused.err());
    }
}
