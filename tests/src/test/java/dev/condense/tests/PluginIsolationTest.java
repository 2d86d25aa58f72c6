package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken plugins beside the real ones never take Condense down: a broken descriptor, a throwing start, a newer
 * plugin.requires, a duplicate id, a stage
 * with a built-in kind's id (prune) and a scorer that throws, each in its own zip built by the test.
 */
class PluginIsolationTest {
    @TempDir
    static Path dir;
    static Path plugins;

    @BeforeAll
    static void install() throws Exception {
        plugins = Files.createDirectory(dir.resolve("plugins"));
        for (Path zip : DistributionLayoutTest.pluginZips()) {
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        PluginFixtures.writeAll(plugins);
    }

    private static Cli.Result condense(String... args) throws Exception {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--plugins-dir=" + plugins;
        return Cli.run(dir, all);
    }

    @Test
    void pluginsListShowsEveryFailureWithItsReason() throws Exception {
        Cli.Result r = condense("plugins", "list");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().matches("(?s).*prune-magnitude\\s+\\S+\\s+STARTED.*"), r.out());
        assertTrue(r.out().matches("(?s).*broken\\.zip\\s+\\?\\s+FAILED.*"), r.out());
        assertTrue(r.out().contains("licence check failed"), r.out());
        assertTrue(r.out().matches("(?s).*future\\s+1\\.0\\.0\\s+DISABLED.*requires Condense >=99\\.0\\.0.*"), r.out());
        assertTrue(r.out().contains("'magnitude' is already provided by plugin prune-magnitude; plugin zz-dup"), r.out());
        assertTrue(r.out().matches("(?s).*shadow-prune\\s+1\\.0\\.0\\s+FAILED.*'prune' is a built-in stage kind.*"), r.out());
    }

    @Test
    void recipesNotUsingThemRun() throws Exception {
        Cli.Result r = condense("run", Recipes.write(dir, "ok.yaml", Recipes.tiny("ok", "magnitude")).toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(Files.isRegularFile(dir.resolve("runs/ok/report.json")), r.all());
    }

    @Test
    void usingAFailedPluginsIdIsBadInputSayingWhy() throws Exception {
        Cli.Result r = condense("run", Recipes.write(dir, "boom.yaml", Recipes.tiny("boom", "boom-start")).toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("boom.yaml:") && r.err().contains("plugin boom-start")
                && r.err().contains("FAILED") && r.err().contains("licence check failed"), r.err());
        Cli.Result d = condense("validate", Recipes.write(dir, "future.yaml", Recipes.tiny("future", "future")).toString());
        assertEquals(2, d.exit(), d.all());
        assertTrue(d.err().contains("DISABLED") && d.err().contains(">=99.0.0"), d.err());
        assertFalse(Files.exists(dir.resolve("runs/boom")));
    }

    @Test
    void aThrowInsideACallFailsTheRunNamingThePlugin() throws Exception {
        Cli.Result r = condense("run", Recipes.write(dir, "thrower.yaml", Recipes.tiny("thrower", "thrower")).toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.err().contains("plugin thrower 1.0.0") && r.err().contains("fixture scorer exploded"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(dir.resolve("runs/thrower")));
    }

    @Test
    void pluginsInfoDescribesAnExtension() throws Exception {
        Cli.Result r = condense("plugins", "info", "magnitude");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("magnitude (importance-scorer)") && r.out().contains("Han, Pool"), r.out());
        assertTrue(r.out().contains("plugin:   prune-magnitude") && r.out().matches("(?s).*sha-256:\\s+[0-9a-f]{64}.*"), r.out());
        assertTrue(r.out().matches("(?s).*norm\\s+String\\s+default l1\\s+allowed: one of l1, l2.*"), r.out());
        Cli.Result unknown = condense("plugins", "info", "magnitud");
        assertEquals(2, unknown.exit(), unknown.all());
        assertTrue(unknown.err().contains("did you mean"), unknown.err());
        Cli.Result failed = condense("plugins", "info", "boom-start");
        assertEquals(1, failed.exit(), failed.all());
        assertTrue(failed.err().contains("licence check failed"), failed.err());
    }
}
