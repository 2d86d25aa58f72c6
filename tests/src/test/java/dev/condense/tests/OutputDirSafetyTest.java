package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run never deletes what it did not create (issue 12): each dangerous output directory is refused by run and by
 * validate with exit 2 and one located line, and the directory pointed at is unchanged byte for byte; a directory an
 * earlier run made is replaced, and --force replaces an unmarked ordinary one.
 */
class OutputDirSafetyTest {
    @TempDir
    Path root;

    /** Zoo model exported as is: no data, a few seconds. The output dir is the last line, at line 5 column 15. */
    private static String recipe(String dir) {
        return """
                recipe: safety
                seed: 1
                model: {zoo: lenet-300-100}
                stages: [{export: {format: onnx}}]
                output: {dir: %s}
                """.formatted(dir);
    }

    /** A project-like tree: README and sources. */
    private static Path project(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("src/main"));
        Files.writeString(dir.resolve("README.md"), "# my project\n");
        Files.writeString(dir.resolve("src/main/App.java"), "class App {}\n");
        return dir;
    }

    /**
     * Runs {@code run} and {@code validate} on {@code recipe} from {@code work}; both must exit 2 with one line at
     * the output.dir location holding {@code fragments}, and leave {@code watched} unchanged.
     */
    private void assertRefused(Path work, Map<String, String> env, Path recipe, Path watched, List<String> runArgs,
                               String... fragments) throws Exception {
        Map<String, String> before = TreeHash.of(watched);
        for (String command : List.of("run", "validate")) {
            List<String> args = new java.util.ArrayList<>(List.of(command));
            if (command.equals("run")) {
                args.addAll(runArgs);
            }
            args.add(recipe.toString());
            Cli.Result r = Cli.run(work, env, args.toArray(String[]::new));
            assertEquals(2, r.exit(), command + ": " + r.all());
            String err = r.err().strip();
            assertEquals(1, err.lines().count(), command + " must print one line: " + r.err());
            assertTrue(err.startsWith("error: " + recipe + ":5:15: output directory "), err);
            for (String f : fragments) {
                assertTrue(err.contains(f), "expected '" + f + "' in: " + err);
            }
            assertFalse(r.all().contains("\tat ") || r.all().contains("Exception"), "stack trace: " + r.all());
            assertEquals(before, TreeHash.of(watched), command + " changed " + watched);
        }
    }

    private void assertRefused(Path work, Path recipe, Path watched, String... fragments) throws Exception {
        assertRefused(work, Map.of(), recipe, watched, List.of(), fragments);
    }

    @Test
    void theWorkingDirectoryIsRefusedEvenWithForce() throws Exception {
        Path work = project(root.resolve("work"));
        Path r = Recipes.write(work, "r.yaml", recipe("."));
        assertRefused(work, Map.of(), r, work, List.of("--force"), "is the working directory", "even with --force");
    }

    @Test
    void theParentOfTheWorkingDirectoryIsRefused() throws Exception {
        Files.writeString(root.resolve("sibling.txt"), "keep me\n");
        Path work = Files.createDirectories(root.resolve("work"));
        Path r = Recipes.write(work, "r.yaml", recipe(".."));
        assertRefused(work, r, root, "contains the working directory");
    }

    @Test
    void anExistingProjectDirectoryNeedsForce() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path proj = project(work.resolve("my-project"));
        Path r = Recipes.write(work, "r.yaml", recipe("my-project"));
        assertRefused(work, r, proj, "is not a Condense run directory", ".condense-run", "--force");
    }

    @Test
    void theFilesystemRootIsRefused() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path r = Recipes.write(work, "r.yaml", recipe("/"));
        List<String> before;
        try (Stream<Path> s = Files.list(Path.of("/"))) {
            before = s.map(Path::toString).sorted().toList();
        }
        assertRefused(work, Map.of(), r, work, List.of("--force"), "/ is the filesystem root");
        try (Stream<Path> s = Files.list(Path.of("/"))) {
            assertEquals(before, s.map(Path::toString).sorted().toList());
        }
    }

    @Test
    void theHomeDirectoryFromHomeIsRefused() throws Exception {
        Path home = project(root.resolve("home"));
        Files.writeString(home.resolve(".profile"), "export X=1\n");
        Path work = Files.createDirectories(root.resolve("work"));
        Path r = Recipes.write(work, "r.yaml", recipe(home.toString()));
        assertRefused(work, Map.of("HOME", home.toString()), r, home, List.of("--force"), "is the home directory");
    }

    @Test
    void theRecipesOwnDirectoryIsRefused() throws Exception {
        Path recipes = project(root.resolve("recipes"));
        Path work = Files.createDirectories(root.resolve("work"));
        Path r = Recipes.write(recipes, "r.yaml", recipe("../recipes"));
        assertRefused(work, Map.of(), r, recipes, List.of("--force"), "contains the recipe " + r);
    }

    @Test
    void resumeRefusesAPartialDirectoryCondenseDidNotMake() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path partial = Files.createDirectories(work.resolve("runs/.safety.partial"));
        Files.writeString(partial.resolve("notes.txt"), "mine\n");
        Path r = Recipes.write(work, "r.yaml", recipe("runs/safety"));
        Map<String, String> before = TreeHash.of(work.resolve("runs"));
        Cli.Result res = Cli.run(work, "run", "--resume", r.toString());
        assertEquals(2, res.exit(), res.all());
        assertTrue(res.err().contains("cannot resume from " + partial), res.err());
        Cli.Result plain = Cli.run(work, "run", r.toString());
        assertEquals(2, plain.exit(), plain.all());
        assertTrue(plain.err().contains("partial directory " + partial), plain.err());
        assertEquals(before, TreeHash.of(work.resolve("runs")));
    }

    @Test
    void aReplayIntoTheWorkingDirectoryIsRefusedAtTheProvenanceFile() throws Exception {
        Path work = project(root.resolve("work-replay"));
        Path provenance = Recipes.write(root, "provenance.yaml", """
                plugins: []
                resolved_recipe:
                  recipe: safety
                  seed: 1
                  model: {zoo: lenet-300-100}
                  stages: [{export: {format: onnx}}]
                  output: {dir: %s}
                """.formatted(root.resolve("work")));
        Map<String, String> before = TreeHash.of(work);
        Cli.Result r = Cli.run(work, "run", "--replay", provenance.toString());
        assertEquals(2, r.exit(), r.all());
        assertEquals("error: " + provenance + ":0:0: output directory " + work + " is the working directory; a run"
                + " replaces its whole output directory, so this is refused even with --force: set output.dir to a new"
                + " directory (e.g. runs/NAME)", r.err().strip());
        assertEquals(before, TreeHash.of(work));
    }

    @Test
    void aDirectoryAnEarlierRunMadeIsReplacedAndForceReplacesAnOrdinaryOne() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path r = Recipes.write(work, "r.yaml", recipe("out"));
        Cli.Result first = Cli.run(work, "run", r.toString());
        assertEquals(0, first.exit(), first.all());
        Path out = work.resolve("out");
        assertTrue(Files.isRegularFile(out.resolve(".condense-run")), "no marker in " + out);
        Cli.Result check = Cli.run(work, "validate", r.toString());
        assertEquals(0, check.exit(), check.all());
        assertTrue(check.out().contains("output: " + out + " (replaces an earlier Condense run)"), check.out());
        Cli.Result second = Cli.run(work, "run", r.toString());
        assertEquals(0, second.exit(), second.all());
        assertTrue(Files.isRegularFile(out.resolve("model.onnx")));

        Path scratch = work.resolve("scratch");
        Files.createDirectories(scratch);
        Files.writeString(scratch.resolve("junk.txt"), "old\n");
        Path r2 = Recipes.write(work, "r2.yaml", recipe("scratch"));
        Cli.Result refused = Cli.run(work, "run", r2.toString());
        assertEquals(2, refused.exit(), refused.all());
        assertEquals("old\n", Files.readString(scratch.resolve("junk.txt")));
        Cli.Result forced = Cli.run(work, "run", "--force", r2.toString());
        assertEquals(0, forced.exit(), forced.all());
        assertFalse(Files.exists(scratch.resolve("junk.txt")));
        assertTrue(Files.isRegularFile(scratch.resolve(".condense-run")));
        assertTrue(Files.isRegularFile(scratch.resolve("model.onnx")));
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of("out", "r.yaml", "r2.yaml", "scratch"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "nothing written beside the outputs");
        }
    }
}
