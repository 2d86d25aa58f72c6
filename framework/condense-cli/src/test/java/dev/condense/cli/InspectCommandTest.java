package dev.condense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.zoo.Zoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CondenseMain()).setExecutionExceptionHandler(new ErrorReporter());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void zooLenet300100PrintsLayersAndTotals() {
        String[] r = run("inspect", "zoo:lenet-300-100");
        assertEquals("0", r[0], r[2]);
        // fc1: 784x300 weight + 300 zero-initialized biases; MACs 784*300 per sample; 4 bytes per parameter. Nonzeros
        // are all weights except a draw that is exactly 0.0 (one full build counted 235,199), so that column is matched
        // within a small range; the other columns are exact.
        assertTrue(r[1].matches("(?s).*\\nfc1\\s+fc1\\.weight\\s+Gemm\\s+\\[300,784]\\s+235,500\\s+235,(1[89]\\d|200)\\s+235,200\\s+942,000\\n.*"),
                r[1]);
        assertTrue(r[1].contains("total"), r[1]);
        assertTrue(r[1].matches("(?s).*\\ntotal\\s+266,612\\s+266,(1[89]\\d|20[0-2])\\s+266,200\\s+1,066,448\\n.*"), r[1]);
    }

    @Test
    void onnxFileGivesTheSameTotalsAsTheGraph(@TempDir Path dir) {
        Path file = dir.resolve("lenet5.onnx");
        new OnnxExporter().write(Zoo.build("lenet-5", 3), file);
        String[] r = run("inspect", file.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("conv1") && r[1].contains("Conv") && r[1].contains("[20,1,5,5]"), r[1]);
        // the recipe name is the weight's initializer (what prune selectors match); a node without one shows '-'
        assertTrue(r[1].matches("(?s).*\\nconv1\\s+conv1\\.weight\\s+Conv\\s+\\[20,1,5,5].*"), r[1]);
        assertTrue(r[1].matches("(?s).*\\ntotal\\s+431,082\\s+430,502\\s+2,293,000\\s+1,724,328\\n.*"), r[1]); // + 2 norm scalars
    }

    @Test
    void badFileExitsWithTwoAndUnknownZooIdListsKnownOnes(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        String[] r = run("inspect", bad.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("invalid model") && r[2].contains("bad.onnx"), r[2]);
        r = run("inspect", "zoo:lenet-6");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("lenet-6") && r[2].contains("lenet-5"), r[2]);
    }
}
