package dev.condense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CondenseMainTest {

    private static String[] runCapturing(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CondenseMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void versionPrintsNameAndProjectVersion() {
        String[] r = runCapturing("--version");
        assertEquals("0", r[0]);
        String[] lines = r[1].trim().split("\\R");
        assertEquals("condense " + CondenseMain.Version.version(), lines[0]);
        assertTrue(lines[0].matches("condense \\d+\\.\\d+\\.\\d+.*"), r[1]);
        // The BLAS line names library, version and the core in use (the test JVM's OPENBLAS_CORETYPE, if any).
        assertEquals(3, lines.length, r[1]);
        assertTrue(lines[1].matches("BLAS: OpenBLAS \\d+\\.\\d+\\.\\d+, core \\w+ .*"), lines[1]);
        String requested = System.getenv("OPENBLAS_CORETYPE");
        if (requested != null && !requested.isEmpty()) {
            assertTrue(lines[1].contains("(OPENBLAS_CORETYPE=" + requested + ")"), lines[1]);
        }
        // The CPU line: this test JVM was not started by the launcher, so it is not pinned by it.
        assertTrue(lines[2].startsWith("CPU: not pinned by the launcher (CPUs "), lines[2]);
    }

    @Test
    void helpAndUnknownOptions() {
        String[] help = runCapturing("--help");
        assertEquals("0", help[0]);
        assertTrue(help[1].contains("Usage: condense"), help[1]);
        String[] bad = runCapturing("--no-such-option");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("--no-such-option"), bad[2]);
    }
}
