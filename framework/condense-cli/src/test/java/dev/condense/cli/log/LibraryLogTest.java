package dev.condense.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Library lines go to the command's log and the run's log, and to the console only when verbose. */
class LibraryLogTest {
    @TempDir
    Path dir;

    @Test
    void quietLinesReachTheFilesButNotTheConsole() throws Exception {
        LibraryLog log = new LibraryLog();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        log.log("INFO", "org.pf4j.Early", "before configure", null);
        log.configure(false, new PrintStream(console, true, StandardCharsets.UTF_8), dir.resolve("logs/run.log"), "condense run r.yaml");
        log.log("WARN", "org.nd4j.Boot", "before the run directory", null);
        Path runLog = dir.resolve("condense.log");
        log.open(runLog);
        log.log("INFO", "org.nd4j.Train", "during the run", new IllegalStateException("planted"));
        log.close();
        log.log("INFO", "org.pf4j.Late", "after the run", null);
        log.shutdown();

        assertEquals("", console.toString(StandardCharsets.UTF_8));
        List<String> command = Files.readAllLines(dir.resolve("logs/run.log"));
        assertTrue(command.get(0).startsWith("--- ") && command.get(0).contains("condense run r.yaml"), command.get(0));
        String all = String.join("\n", command);
        for (String s : List.of("before configure", "before the run directory", "during the run", "planted", "after the run")) {
            assertTrue(all.contains(s), s + " missing from " + all);
        }
        assertTrue(command.get(1).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[[^]]+] INFO org.pf4j.Early - before configure"),
                command.get(1));
        String run = Files.readString(runLog);
        assertTrue(run.startsWith("--- "), run);
        assertTrue(run.contains("before the run directory") && run.contains("during the run"), run);
        assertTrue(run.contains("java.lang.IllegalStateException: planted"), run);
        assertFalse(run.contains("after the run"), run);
    }

    @Test
    void verboseAlsoPrintsOnTheConsoleInSlf4jSimpleFormat() {
        LibraryLog log = new LibraryLog();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        log.configure(true, new PrintStream(console, true, StandardCharsets.UTF_8), dir.resolve("logs/x.log"), "condense x");
        log.log("INFO", "org.pf4j.AbstractPluginManager", "Start plugin 'a@1'", null);
        log.shutdown();
        assertEquals("[" + Thread.currentThread().getName() + "] INFO org.pf4j.AbstractPluginManager - Start plugin 'a@1'",
                console.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void anUnwritableLogDirectoryIsSkippedSilently() throws Exception {
        LibraryLog log = new LibraryLog();
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "file");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        log.configure(false, new PrintStream(console, true, StandardCharsets.UTF_8), blocker.resolve("logs/x.log"), "x");
        log.log("WARN", "org.nd4j.X", "lost", null);
        log.open(blocker.resolve("condense.log"));
        log.log("WARN", "org.nd4j.X", "lost too", null);
        log.shutdown();
        assertTrue(log.commandLog().isEmpty());
        assertEquals("", console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void slf4jLoggersAreThisBackend() {
        assertEquals(LibraryLogger.class, LoggerFactory.getLogger("org.pf4j.Test").getClass());
        assertFalse(LoggerFactory.getLogger("x").isDebugEnabled());
    }
}
