package dev.condense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code condense schema} and the {@code --set} option, with an empty plugins directory. */
class SchemaAndSetTest {
    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            CommandLine cli = new CommandLine(new CondenseMain()).setExecutionExceptionHandler(new ErrorReporter());
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new String[] {String.valueOf(code), out.toString(), err.toString()};
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void schemaWritesADraft202012Schema() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path file = dir.resolve("out/recipe.schema.json");
        String[] r = run("schema", "--plugins-dir", plugins.toString(), "--output", file.toString());
        assertEquals("0", r[0], r[2]);
        String json = Files.readString(file);
        assertTrue(json.contains("\"$schema\" : \"https://json-schema.org/draft/2020-12/schema\""), json);
        assertTrue(json.contains("\"prune-body\""), json);
    }

    @Test
    void aBadSetIsBadInputLocatedOnTheCommandLine() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path recipe = Files.writeString(dir.resolve("r.yaml"), "recipe: demo\nmodel: {zoo: lenet-300-100}\n"
                + "stages:\n  - export\n");
        String[] r = run("validate", recipe.toString(), "--plugins-dir", plugins.toString(), "--set", "sed=3");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("error: <command line>:1:1: --set 'sed' names no var and no value"), r[2]);
        String[] noEquals = run("run", recipe.toString(), "--plugins-dir", plugins.toString(), "--set", "seed");
        assertEquals("2", noEquals[0], noEquals[2]);
        assertTrue(noEquals[2].contains("<command line>:1:1: --set needs NAME=VALUE"), noEquals[2]);
    }
}
