package dev.condense.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory marks what it makes, replaces only that, and keeps a finished run it could not put in place. */
class RunDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aCommittedRunCarriesTheMarkerAndReplacesAnEarlierRun() throws Exception {
        Path target = dir.resolve("runs/r");
        try (RunDirectory run = RunDirectory.open(target, false, false)) {
            Files.writeString(run.temp().resolve("model.onnx"), "first");
            run.commit(() -> { });
        }
        assertTrue(RunDirectory.isMarked(target));
        try (RunDirectory run = RunDirectory.open(target, false, false)) {
            Files.writeString(run.temp().resolve("model.onnx"), "second");
            run.commit(() -> { });
        }
        assertEquals("second", Files.readString(target.resolve("model.onnx")));
        assertTrue(RunDirectory.isMarked(target));
        assertFalse(Files.exists(RunDirectory.partialOf(target)));
        try (var s = Files.list(target.getParent())) {
            assertEquals(1, s.count(), "no .old or .partial sibling left behind");
        }
    }

    @Test
    void anUnmarkedDirectoryIsNotReplacedWithoutForce() throws Exception {
        Path target = Files.createDirectories(dir.resolve("project"));
        Files.writeString(target.resolve("README"), "mine");
        try (RunDirectory run = RunDirectory.open(target, false, false)) {
            assertThrows(IllegalStateException.class, () -> run.commit(() -> { }));
        }
        assertEquals("mine", Files.readString(target.resolve("README")));
        try (RunDirectory run = RunDirectory.open(target, false, true)) {
            run.commit(() -> { });
        }
        assertFalse(Files.exists(target.resolve("README")));
        assertTrue(RunDirectory.isMarked(target));
    }

    @Test
    void aRefusedCommitKeepsTheFinishedRunAndTouchesNothing() throws Exception {
        Path target = dir.resolve("runs/r");
        Path partial;
        try (RunDirectory run = RunDirectory.open(target, false, false)) {
            partial = run.temp();
            Files.writeString(partial.resolve("model.onnx"), "done");
            Files.createDirectories(target);
            Files.writeString(target.resolve("appeared.txt"), "user file");
            RecipeException e = new RecipeException(Location.ofFile(dir), "refused");
            assertThrows(RecipeException.class, () -> run.commit(() -> {
                throw e;
            }));
        }
        assertEquals("done", Files.readString(partial.resolve("model.onnx")));
        assertEquals("user file", Files.readString(target.resolve("appeared.txt")));
    }

    @Test
    void anUnfinishedRunWithoutCheckpointIsRemovedAndAnUnmarkedPartialIsNotDeleted() throws Exception {
        Path target = dir.resolve("runs/r");
        try (RunDirectory run = RunDirectory.open(target, false, false)) {
            Files.writeString(run.temp().resolve("x"), "x");
        }
        assertFalse(Files.exists(RunDirectory.partialOf(target)));
        Path partial = Files.createDirectories(RunDirectory.partialOf(target));
        Files.writeString(partial.resolve("mine"), "mine");
        assertThrows(IllegalStateException.class, () -> RunDirectory.open(target, false, false));
        assertThrows(IllegalStateException.class, () -> RunDirectory.open(target, true, false));
        assertEquals("mine", Files.readString(partial.resolve("mine")));
    }
}
