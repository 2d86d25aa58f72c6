package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input a hostile or unlucky user can give, through the built distribution: files that must not be read or quoted,
 * values too long to print, YAML aliases (which must work) and alias bombs, paths that are not regular files, and bytes
 * that are not UTF-8. Each is exit 2 with one short {@code error:} line, no stack trace, and the working directory
 * unchanged byte for byte.
 */
class HostileInputTest {
    private static final String SECRET = "s3cr3t-value-that-must-not-leak";

    @TempDir
    Path dir;

    /** Runs condense in {@code dir}; asserts exit 2, one short error line holding the fragments, nothing written. */
    private Cli.Result assertRejected(String[] args, String... fragments) throws Exception {
        Map<String, String> before = snapshot(dir);
        Cli.Result r = Cli.run(dir, args);
        assertEquals(2, r.exit(), r.all());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), r.err());
        String line = errors.get(0);
        assertTrue(line.length() < 400, "error line of " + line.length() + " characters");
        for (String f : fragments) {
            assertTrue(line.contains(f), "expected '" + f + "' in: " + line);
        }
        assertFalse(r.all().contains("\tat "), "stack trace printed: " + r.all());
        assertEquals(before, snapshot(dir), "the directory changed");
        return r;
    }

    private Cli.Result assertRunRejected(Path recipe, String... fragments) throws Exception {
        return assertRejected(new String[] {"run", recipe.toString()}, fragments);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path mkfifo(String name) throws Exception {
        Path fifo = dir.resolve(name);
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo");
        return fifo;
    }

    /** Every regular file below {@code root} with its SHA-256, and every other entry with its kind. */
    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String key = root.relativize(p).toString();
                m.put(key, Files.isRegularFile(p)
                        ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                        : Files.isDirectory(p) ? "dir" : "other");
            }
        }
        return m;
    }

    private static String model(String file) {
        return Recipes.small("hostile", 500).replace("model: {zoo: lenet-300-100}", "model: {file: " + file + "}");
    }

    @Test
    void extendsOfSystemFilesQuotesNoLineOfThem() throws Exception {
        for (String system : List.of("/etc/passwd", "/etc/shadow")) {
            Path f = Path.of(system);
            if (!Files.isReadable(f)) {
                continue;
            }
            Path recipe = write("leak.yaml", "extends: " + system + "\n" + Recipes.small("leak", 500));
            Cli.Result r = assertRunRejected(recipe, "leak.yaml:1:10:", "extends must name a YAML recipe file");
            for (String l : Files.readAllLines(f)) {
                if (l.strip().length() >= 4) {
                    assertFalse(r.all().contains(l.strip()), system + " line leaked: " + l);
                }
            }
            String[] fields = Files.readAllLines(f).get(0).split(":");
            for (String field : fields) {
                if (field.length() >= 8) {
                    assertFalse(r.all().contains(field), system + " field leaked");
                }
            }
        }
    }

    @Test
    void extendsOfANonYamlOrHugeFileIsRefusedUnquoted() throws Exception {
        write("notes.txt", "token: " + SECRET + "\n");
        Path recipe = write("a.yaml", "extends: notes.txt\n" + Recipes.small("a", 500));
        Cli.Result r = assertRunRejected(recipe, "a.yaml:1:10:", "'notes.txt'");
        assertFalse(r.all().contains(SECRET));
        write("huge.yaml", "recipe: x\nvars: {v: '" + "y".repeat(3 << 20) + "'}\n");
        Path big = write("b.yaml", "extends: huge.yaml\n" + Recipes.small("b", 500));
        assertRunRejected(big, "b.yaml:1:10:", "over the limit of 1 MiB (1,048,576 bytes)");
    }

    @Test
    void longRecipeNamesGiveAShortLine() throws Exception {
        Path twoMb = write("two.yaml", Recipes.small("a".repeat(2 << 20), 500));
        assertRunRejected(twoMb, "two.yaml:0:0:", "over the limit of 1 MiB");
        Path nearLimit = write("near.yaml", Recipes.small("n".repeat(1 << 18), 500));
        assertRunRejected(nearLimit, "near.yaml:1:9:", "kebab-case", "(262144 characters)");
    }

    @Test
    void aliasesValidateIdenticallyToTheSpelledOutRecipe() throws Exception {
        String head = "recipe: aliased\nseed: 3\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n";
        String finetune = "{epochs: 1, batch: 64, optimizer: {adam: {lr: 1.0e-3}}}";
        Path aliased = write("aliased.yaml", head + "  - train: &tp " + finetune + "\n"
                + "  - prune: {scorer: magnitude, sparsity: {default: 0.5}, schedule: {iterative: {steps: 2, finetune: *tp}}}\n"
                + "  - train: {<<: *tp, epochs: 2}\n");
        Path spelled = write("spelled.yaml", head + "  - train: " + finetune + "\n"
                + "  - prune: {scorer: magnitude, sparsity: {default: 0.5}, schedule: {iterative: {steps: 2, finetune: "
                + finetune + "}}}\n"
                + "  - train: {epochs: 2, batch: 64, optimizer: {adam: {lr: 1.0e-3}}}\n");
        Cli.Result a = Cli.run(dir, "validate", aliased.toString());
        Cli.Result s = Cli.run(dir, "validate", spelled.toString());
        assertEquals(0, a.exit(), a.all());
        assertEquals(0, s.exit(), s.all());
        String resolved = a.out().substring(a.out().indexOf("As resolved:"));
        assertTrue(resolved.contains("epochs: 2"), resolved);
        assertEquals(s.out().substring(s.out().indexOf("As resolved:")), resolved);
    }

    @Test
    void anUndefinedAliasIsLocated() throws Exception {
        Path recipe = write("u.yaml", Recipes.small("u", 500).replace("- evaluate: {metrics: [accuracy, size]}",
                "- evaluate: *missing"));
        assertRunRejected(recipe, "u.yaml:7:15:", "undefined alias *missing");
    }

    @Test
    void aBillionLaughsDocumentIsRefused() throws Exception {
        StringBuilder y = new StringBuilder("recipe: lol\nl0: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            String prev = "*" + (char) ('a' + i - 1);
            y.append('l').append(i).append(": &").append((char) ('a' + i)).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        Path recipe = write("lol.yaml", y.toString());
        assertRunRejected(recipe, "lol.yaml:", "expands to more than 100,000 nodes");
    }

    @Test
    void aModelPathThatIsADirectory() throws Exception {
        Files.createDirectory(dir.resolve("model.onnx"));
        Path recipe = write("d.yaml", model("model.onnx"));
        assertRunRejected(recipe, "d.yaml:3:15:", "model file is a directory, not a file");
        assertRejected(new String[] {"inspect", "model.onnx"}, "is a directory, not a file");
    }

    @Test
    void aModelPathThatIsAFifoNeverBlocks() throws Exception {
        mkfifo("pipe.onnx");
        Path recipe = write("p.yaml", model("pipe.onnx"));
        assertRunRejected(recipe, "p.yaml:3:15:", "model file is a named pipe (FIFO), not a regular file");
        assertRejected(new String[] {"inspect", "pipe.onnx"}, "is a named pipe (FIFO)");
        Path fifoRecipe = mkfifo("fifo.yaml");
        assertRejected(new String[] {"validate", fifoRecipe.toString()}, "recipe file is a named pipe (FIFO)");
    }

    @Test
    void devZeroIsADeviceNotAnEmptyFile() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/zero")));
        Path recipe = write("z.yaml", model("/dev/zero"));
        assertRunRejected(recipe, "z.yaml:3:15:", "model file is a character device, not a regular file");
        Cli.Result r = assertRejected(new String[] {"inspect", "/dev/zero"}, "is a character device");
        assertFalse(r.all().contains("empty"), r.all());
        assertRejected(new String[] {"validate", "/dev/zero"}, "recipe file is a character device");
    }

    @Test
    void aRecipeThatIsNotUtf8IsAnEncodingErrorAtItsOffset() throws Exception {
        byte[] text = Recipes.small("latin", 500).replace("seed: 11", "seed: 11 # caf\u00e9")
                .getBytes(StandardCharsets.ISO_8859_1);
        int offset = new String(text, StandardCharsets.ISO_8859_1).indexOf('\u00e9');
        Path recipe = Files.write(dir.resolve("latin.yaml"), text);
        assertRunRejected(recipe, "latin.yaml:2:15:", "not valid UTF-8: byte 0xe9 at byte offset " + offset);
    }
}
