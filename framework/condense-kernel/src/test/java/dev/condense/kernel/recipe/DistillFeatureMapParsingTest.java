package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.kernel.stage.distill.DistillStageSpec;
import dev.condense.kernel.stage.distill.FeatureMapEntry;
import dev.condense.kernel.stage.distill.LayerPick;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A distill stage's layer map ({@code features}), {@code logits-weight} and {@code normalize}: parsing and errors. */
class DistillFeatureMapParsingTest {
    @TempDir
    Path dir;

    @BeforeEach
    void teacherFile() throws Exception {
        Files.writeString(dir.resolve("teacher.onnx"), "not read by the loader");
    }

    private Path recipe(String rest) {
        return write(dir, "r.yaml", "recipe: r\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n"
                + "  - distill:\n      teacher: {file: teacher.onnx}\n      train: {epochs: 1}\n" + rest);
    }

    private DistillStageSpec parse(String rest) {
        return assertInstanceOf(DistillStageSpec.class, RecipeLoader.load(recipe(rest)).stages().get(0));
    }

    @Test
    void readsEntriesWithDefaults() {
        DistillStageSpec d = parse("      features:\n"
                + "        - {student: fc1.act, teacher: fc2.act, loss: fitnet}\n"
                + "        - {student: 're:fc.\\.act', teacher: 're:.*', loss: {attention: {p: 3}}, weight: 250,"
                + " pick: last, project: false}\n"
                + "      logits-weight: 0.5\n      normalize: true\n");
        assertEquals(2, d.features().size());
        FeatureMapEntry a = d.features().get(0);
        assertEquals("fc1.act", a.student().pattern());
        assertEquals("fitnet", a.loss().id());
        assertEquals(1.0, a.weight());
        assertEquals(LayerPick.SKIP, a.pick());
        assertTrue(a.project());
        assertEquals(9, a.student().location().line());
        FeatureMapEntry b = d.features().get(1);
        assertTrue(b.student().isRegex());
        assertEquals("attention", b.loss().id());
        assertEquals(250.0, b.weight());
        assertEquals(LayerPick.LAST, b.pick());
        assertFalse(b.project());
        assertEquals(0.5, d.logitsWeight());
        assertTrue(d.normalize());
    }

    @Test
    void withoutFeaturesTheStageIsLogitsOnly() {
        DistillStageSpec d = parse("");
        assertTrue(d.features().isEmpty());
        assertEquals(1.0, d.logitsWeight());
        assertFalse(d.normalize());
    }

    @Test
    void badEntriesAreLocated() {
        Path noLoss = recipe("      features:\n        - {student: a, teacher: b}\n");
        assertError(() -> RecipeLoader.load(noLoss), noLoss, 9, 11, "loss");
        Path badPick = recipe("      features:\n        - {student: a, teacher: b, loss: fitnet, pick: first}\n");
        assertError(() -> RecipeLoader.load(badPick), badPick, 9, 56, "pick must be skip or last");
        Path negative = recipe("      features:\n        - {student: a, teacher: b, loss: fitnet, weight: -1}\n");
        assertError(() -> RecipeLoader.load(negative), negative, 9, 58, "weight must be finite and >= 0");
        Path badRegex = recipe("      features:\n        - {student: 're:(', teacher: b, loss: fitnet}\n");
        assertError(() -> RecipeLoader.load(badRegex), badRegex, 9, 21, "invalid regex");
        Path typo = recipe("      features:\n        - {student: a, teacher: b, loss: fitnet, wieght: 2}\n");
        assertError(() -> RecipeLoader.load(typo), typo, 9, 50, "wieght");
        Path nothing = recipe("      logits-weight: 0\n");
        assertError(() -> RecipeLoader.load(nothing), nothing, 8, 22, "nothing to train on");
    }
}
