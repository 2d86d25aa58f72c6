package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code condense watch}: one JVM runs the recipe, then re-runs it when a plugin zip is copied in (the scorer
 * appears) and when it is removed again (the scorer is gone), reloading plugins in place; stops after --max-runs.
 */
class WatchTest {
    @TempDir
    Path dir;

    @Test
    void rerunsWhenAPluginZipIsAddedAndRemoved() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path zip = DistributionLayoutTest.pluginZips().stream()
                .filter(z -> z.getFileName().toString().equals("prune-magnitude.zip")).findFirst().orElseThrow();
        Path recipe = Recipes.write(dir, "watch.yaml", Recipes.tiny("watch", "magnitude"));
        Process p = Cli.start(dir, "watch", "watch", recipe.toString(), "--plugins-dir", plugins.toString(),
                "--max-runs", "3", "--timeout", "300", "--debounce-ms", "300");
        try {
            awaitOutput(p, "watch: run 1 finished with exit code 2", 1);
            awaitOutput(p, "watch: waiting for changes", 1);
            Files.copy(zip, plugins.resolve("prune-magnitude.zip"));
            awaitOutput(p, "watch: run 2 finished with exit code 0", 1);
            awaitOutput(p, "watch: waiting for changes", 2);
            Files.delete(plugins.resolve("prune-magnitude.zip"));
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "watch did not stop after --max-runs 3");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("watch.out"));
        String err = Files.readString(dir.resolve("watch.err"));
        assertEquals(2, p.exitValue(), out + err);
        assertTrue(out.contains("plugins: added prune-magnitude.zip"), out);
        assertTrue(out.contains("plugins: removed prune-magnitude.zip"), out);
        assertTrue(out.contains("watch: run 3 finished with exit code 2"), out);
        assertTrue(err.contains("unknown scorer 'magnitude'"), err);
        assertTrue(Files.isRegularFile(dir.resolve("runs/watch/report.json")), out + err);
    }

    /** Waits (3 minutes at most) until stdout holds {@code text} at least {@code times} times. */
    private void awaitOutput(Process p, String text, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            String out = Files.readString(dir.resolve("watch.out"));
            if (out.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("watch exited early (" + p.exitValue() + "): " + out
                        + Files.readString(dir.resolve("watch.err")));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' x" + times + " in: " + Files.readString(dir.resolve("watch.out")));
    }
}
