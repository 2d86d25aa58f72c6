package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.prune.PruneStageSpec;
import dev.condense.kernel.stage.train.TrainStageSpec;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.train.LrSchedule;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeOverrideTest {
    private static final Path CLI = RecipeOverride.COMMAND_LINE;
    private static final String RECIPE = """
            recipe: demo
            seed: 0
            vars: {epochs: 2, sparsity: 0.5}
            model: {zoo: lenet-300-100}
            data: {dataset: mnist}
            stages:
              - train: {epochs: "${epochs}"}
              - prune:
                  scorer: magnitude
                  sparsity: {default: "${sparsity}", fc1.weight: 0.9}
            output: {dir: out}
            """;

    @TempDir
    Path dir;

    private Recipe load(String... sets) {
        return RecipeLoader.load(write(dir, "r.yaml", RECIPE), RecipeOverride.parseAll(List.of(sets)));
    }

    private static SparsityRule sparsity(Recipe r) {
        return ((PruneStageSpec) r.stages().get(1)).sparsity();
    }

    @Test
    void setsAVarKeepingTheTypeOfTheValue() {
        Recipe r = load("epochs=7", "sparsity=0.25");
        assertEquals(7, ((TrainStageSpec) r.stages().get(0)).spec().epochs());
        assertEquals(OptionalDouble.of(0.25), sparsity(r).defaultSparsity());
    }

    @Test
    void setsAnyPathWithListIndicesAndDottedKeys() {
        Recipe r = load("stages.1.prune.sparsity.default=0.8", "stages.1.prune.sparsity.fc1.weight=0.3", "seed=9",
                "vars.epochs=3", "output={dir: elsewhere}");
        assertEquals(OptionalDouble.of(0.8), sparsity(r).defaultSparsity());
        assertEquals(OptionalDouble.of(0.3), sparsity(r).sparsityFor("fc1.weight"));
        assertEquals(3, ((TrainStageSpec) r.stages().get(0)).spec().epochs());
        assertEquals(Path.of("elsewhere"), r.output().dir());
    }

    @Test
    void aBadValueIsLocatedOnTheCommandLine() {
        assertError(() -> load("seed=1", "epochs=many"), CLI, 2, 8, "expected an integer for epochs");
        assertError(() -> load("stages.1.prune.sparsity.default=1.5"), CLI, 1, 33, "must be in [0, 1)");
    }

    @Test
    void aTargetNamingNothingIsAnError() {
        assertError(() -> load("epoch=3"), CLI, 1, 1, "--set 'epoch' names no var and no value",
                "no 'epoch' under the recipe");
        assertError(() -> load("stages.5.prune=1"), CLI, 1, 1, "'stages' is a list of 2 (indices 0 to 1), no '5'");
        assertError(() -> load("seed=1", "stages.1.prune.sparsty=0.1"), CLI, 2, 1,
                "no 'sparsty' under 'stages.1.prune'", "did you mean 'sparsity'");
        assertError(() -> load("stages..prune=1"), CLI, 1, 1, "names no var");
        assertError(() -> load("noequals"), CLI, 1, 1, "--set needs NAME=VALUE");
        assertError(() -> load("=3"), CLI, 1, 1, "--set needs NAME=VALUE");
    }

    @Test
    void valuesAreReadAsYaml() {
        assertTrue(RecipeOverride.parse("a=0.8", 1).value().isDouble());
        assertTrue(RecipeOverride.parse("a=\"0.8\"", 1).value().isTextual());
        assertTrue(RecipeOverride.parse("a={b: 1}", 1).value().isObject());
        assertEquals("{b: ", RecipeOverride.parse("a={b: ", 1).value().textValue());
        assertEquals("x=y", RecipeOverride.parse("a=x=y", 1).value().textValue());
        assertEquals("", RecipeOverride.parse("a=", 1).value().textValue());
    }

    /** The text student recipes feed the cosine's clock from a var: {@code per: "${per}"}, set with --set per=step. */
    @Test
    void aVarFeedsTheCosinesPer() {
        Path f = write(dir, "p.yaml", """
                recipe: demo
                vars: {per: epoch}
                model: {zoo: lenet-300-100}
                data: {dataset: mnist}
                stages:
                  - train: {epochs: 2, lr-schedule: {cosine: {min-lr: 0, per: "${per}"}}}
                """);
        Function<List<String>, LrSchedule> schedule = sets -> ((TrainStageSpec) RecipeLoader.load(f,
                RecipeOverride.parseAll(sets)).stages().get(0)).spec().schedule();
        assertEquals(LrSchedule.cosine(0), schedule.apply(List.of()));
        assertEquals(LrSchedule.cosinePerStep(0), schedule.apply(List.of("per=step")));
        assertEquals(LrSchedule.cosine(0), schedule.apply(List.of("per=epoch")));
        assertError(() -> schedule.apply(List.of("per=stpe")), CLI, 1, 5, "per must be one of epoch, step",
                "did you mean 'step'");
    }
}
