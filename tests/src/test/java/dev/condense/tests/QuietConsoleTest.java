package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console shows Condense's own output (issue 12): no line from a library logger (PF4J, ND4J, ...) unless
 * --verbose; the lines go to the run's condense.log and to the command's log under the cache.
 */
class QuietConsoleTest {
    /** A logger line as slf4j-simple or LibraryLog prints it, or any INFO/WARN from a library package. */
    private static final Pattern LIBRARY_LINE = Pattern.compile(
            "(?m)^(\\S+ )?\\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) |\\b(INFO|WARN|ERROR) (org|com|ai)\\.| WARN ");

    @TempDir
    Path dir;

    private static void assertQuiet(Cli.Result r) {
        assertFalse(LIBRARY_LINE.matcher(r.out()).find(), "library logging on stdout: " + r.out());
        assertFalse(LIBRARY_LINE.matcher(r.err()).find(), "library logging on stderr: " + r.err());
    }

    @Test
    void pluginsListPrintsNoLibraryLineAndVerboseDoes() throws Exception {
        Path cache = dir.resolve("cache");
        Cli.Result quiet = Cli.run(dir, Map.of("CONDENSE_CACHE", cache.toString()), "plugins", "list");
        assertEquals(0, quiet.exit(), quiet.all());
        assertTrue(quiet.out().contains("prune-magnitude"), quiet.out());
        assertQuiet(quiet);
        assertEquals("", quiet.err());
        String log = Files.readString(cache.resolve("logs/plugins-list.log"));
        assertTrue(log.contains("INFO org.pf4j.AbstractPluginManager - Start plugin 'prune-magnitude@"), log);

        Cli.Result verbose = Cli.run(dir, Map.of("CONDENSE_CACHE", cache.toString()), "plugins", "list", "--verbose");
        assertEquals(0, verbose.exit(), verbose.all());
        assertTrue(verbose.err().contains("[main] INFO org.pf4j.AbstractPluginManager - Start plugin"), verbose.err());
        Cli.Result before = Cli.run(dir, Map.of("CONDENSE_CACHE", cache.toString()), "--verbose", "plugins", "list");
        assertTrue(before.err().contains("[main] INFO org.pf4j"), before.err());
        assertFalse(LIBRARY_LINE.matcher(verbose.out()).find(), "library logging on stdout: " + verbose.out());
    }

    @Test
    void aRunPrintsNoLibraryLineAndKeepsThemInItsLog() throws Exception {
        Recipes.write(dir, "q.yaml", Recipes.tiny("q", "magnitude"));
        Cli.Result r = Cli.run(dir, "run", "q.yaml");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("output: "), r.out());
        assertQuiet(r);
        Path out = dir.resolve("runs/q");
        String log = Files.readString(out.resolve("condense.log"));
        assertTrue(log.contains("INFO org.pf4j.AbstractPluginManager - Start plugin"), log);
        assertTrue(log.contains("INFO org.nd4j.linalg.factory.Nd4jBackend - Loaded [CpuBackend] backend"), log);
        String report = Files.readString(out.resolve("report.json"));
        assertTrue(report.contains("\"model.onnx\"") || report.contains("\"report.md\""), report);
        assertFalse(report.contains("condense.log"), "the log is not part of the reproducible output: " + report);

        Recipes.write(dir, "v.yaml", """
                recipe: v
                model: {zoo: lenet-300-100}
                stages: [{export: {format: onnx}}]
                output: {dir: runs/v}
                """);
        Cli.Result verbose = Cli.run(dir, "run", "--verbose", "v.yaml");
        assertEquals(0, verbose.exit(), verbose.all());
        assertTrue(verbose.err().contains("[main] INFO org.nd4j.linalg.factory.Nd4jBackend - Loaded [CpuBackend] backend"),
                verbose.err());
        assertFalse(LIBRARY_LINE.matcher(verbose.out()).find(), "library logging on stdout: " + verbose.out());
    }
}
