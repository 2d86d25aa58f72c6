package dev.condense.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.OutputGuard.Guarded;
import dev.condense.kernel.run.OutputGuard.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions of {@link OutputGuard} on a planted tree: what is always refused, what needs --force, what is fine. */
class OutputGuardTest {
    @TempDir
    Path root;
    private Path work;
    private Path recipe;
    private List<Guarded> guarded;
    private final Location where = new Location(Path.of("r.yaml"), 12, 15);

    @BeforeEach
    void plant() throws Exception {
        work = Files.createDirectories(root.resolve("home/user/project"));
        recipe = Files.writeString(Files.createDirectories(root.resolve("recipes")).resolve("r.yaml"), "recipe: r\n");
        Path model = Files.createDirectories(root.resolve("models/mnist")).resolve("m.onnx");
        Files.write(model, new byte[] {1, 2, 3});
        guarded = List.of(new Guarded(work, "the working directory"), new Guarded(root.resolve("home/user"),
                "the home directory"), new Guarded(recipe, "the recipe"), new Guarded(model, "the model"));
    }

    private Outcome check(Path target, boolean force) {
        return OutputGuard.check(target, where, guarded, force, false);
    }

    private RecipeException refused(Path target, boolean force, String... fragments) {
        RecipeException e = assertThrows(RecipeException.class, () -> check(target, force));
        assertEquals(where, e.location());
        assertTrue(e.getMessage().startsWith("r.yaml:12:15: "), e.getMessage());
        assertTrue(e.getMessage().contains(target.toAbsolutePath().normalize().toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in " + e.getMessage());
        }
        return e;
    }

    @Test
    void theRootTheHomeTheWorkingDirectoryAndTheirAncestorsAreRefusedEvenWithForce() {
        refused(Path.of("/"), true, "is the filesystem root", "even with --force");
        refused(work, true, "is the working directory", "even with --force");
        refused(work.getParent(), true, "is the home directory");
        refused(root.resolve("home"), true, "contains the working directory " + work);
        refused(root, true, "contains");
    }

    @Test
    void aDirectoryHoldingTheRecipeOrTheModelIsRefusedEvenWithForce() {
        refused(root.resolve("recipes"), true, "contains the recipe " + recipe);
        refused(root.resolve("models"), true, "contains the model");
        refused(recipe, true, "is the recipe");
    }

    @Test
    void aSymbolicLinkDoesNotSmuggleAGuardedDirectoryIn() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("elsewhere"), work.getParent());
        refused(link, true, "is the home directory");
        Path viaLink = link.resolve("project");
        refused(viaLink, true, "is the working directory");
    }

    @Test
    void aNewDirectoryIsCreatedAndAnEmptyOrMarkedOneReplaced() throws Exception {
        assertEquals(Outcome.CREATE, check(work.resolve("runs/r"), false));
        assertEquals(Outcome.REPLACE_EMPTY, check(Files.createDirectories(work.resolve("runs/empty")), false));
        Path earlier = Files.createDirectories(work.resolve("runs/earlier"));
        Files.writeString(earlier.resolve(RunDirectory.MARKER), "x");
        Files.writeString(earlier.resolve("model.onnx"), "model");
        assertEquals(Outcome.REPLACE_RUN, check(earlier, false));
    }

    @Test
    void anUnmarkedDirectoryNeedsForce() throws Exception {
        Path project = Files.createDirectories(work.resolve("other-project/src"));
        Files.writeString(project.resolveSibling("README"), "readme");
        refused(project.getParent(), false, "is not a Condense run directory", RunDirectory.MARKER, "--force");
        assertEquals(Outcome.REPLACE_FORCED, check(project.getParent(), true));
    }

    @Test
    void aFileOrALinkWhereTheDirectoryShouldBeIsRefused() throws Exception {
        Path file = Files.writeString(work.resolve("notes.txt"), "notes");
        refused(file, true, "is not a directory");
        Path run = Files.createDirectories(work.resolve("runs/a"));
        Files.writeString(run.resolve(RunDirectory.MARKER), "x");
        refused(Files.createSymbolicLink(work.resolve("runs/b"), run), true, "symbolic link");
    }

    @Test
    void thePartialSiblingFollowsTheSameRulesAndResumeNeedsAMarkedOne() throws Exception {
        Path target = work.resolve("runs/r");
        Path partial = Files.createDirectories(RunDirectory.partialOf(target));
        Files.writeString(partial.resolve("mine.txt"), "not Condense's");
        RecipeException e = assertThrows(RecipeException.class, () -> check(target, false));
        assertTrue(e.getMessage().contains("partial directory " + partial), e.getMessage());
        assertEquals(Outcome.CREATE, check(target, true));
        RecipeException resume = assertThrows(RecipeException.class,
                () -> OutputGuard.check(target, where, guarded, true, true));
        assertTrue(resume.getMessage().contains("cannot resume from " + partial), resume.getMessage());
        Files.writeString(partial.resolve(RunDirectory.MARKER), "x");
        assertEquals(Outcome.CREATE, OutputGuard.check(target, where, guarded, false, true));
        assertEquals(Outcome.CREATE, check(target, false));
    }
}
