package dev.condense.kernel.run;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.MlpBuilder;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.plan.FakeLookup;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.Planner;
import dev.condense.kernel.recipe.RecipeLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Granularity checks that need the model fail before any stage runs, located at the prune stage. */
class PreflightTest {
    @TempDir
    Path dir;

    private Plan plan(String model, String prune) {
        Path f = write(dir, "r.yaml", "recipe: demo\nmodel: {zoo: " + model + "}\nstages:\n  - prune: " + prune + "\n");
        return new Planner(new FakeLookup()).plan(RecipeLoader.load(f));
    }

    @Test
    void filterGranularityOnAGemmOnlyModelFails() {
        Plan p = plan("lenet-300-100", "{scorer: magnitude, granularity: filter, sparsity: 0.5}");
        assertError(() -> Preflight.check(p, Zoo.build("lenet-300-100", 0)), dir.resolve("r.yaml"), 4, 5,
                "granularity 'filter' fits no selected layer", "fc1.weight (Gemm)");
    }

    @Test
    void removingOnlyTheOutputLayersNeuronsFails() {
        Plan p = plan("lenet-300-100", "{scorer: magnitude, granularity: neuron, sparsity: {fc3.weight: 0.5}}");
        assertError(() -> Preflight.check(p, Zoo.build("lenet-300-100", 0)), dir.resolve("r.yaml"), 4, 5,
                "nothing to remove at granularity 'neuron'", "structured: mask");
    }

    @Test
    void filterGranularityOnAConvModelPasses() {
        Preflight.check(plan("lenet-5", "{scorer: magnitude, granularity: filter, sparsity: 0.5}"), Zoo.build("lenet-5", 0));
    }

    @Test
    void augmentingAModelWithoutImageInputFailsAtTheTrainStage() {
        Path f = write(dir, "a.yaml", "recipe: demo\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n"
                + "  - train: {epochs: 1, augment: {shift: 1}}\n");
        Plan p = new Planner(new FakeLookup()).plan(RecipeLoader.load(f));
        ModelGraph flat = MlpBuilder.build("flat", new long[] {784}, new int[] {10}, 0f, 1f, 0);
        assertError(() -> Preflight.check(p, flat), dir.resolve("a.yaml"), 5, 5,
                "augment shift moves images", "[-1, 784]");
        Preflight.check(p, Zoo.build("lenet-300-100", 0));
    }

    /** Writes {@code graph} as an ONNX file and plans a recipe that distills lenet-300-100 from it. */
    private Plan distillFrom(ModelGraph teacher) {
        new dev.condense.engine.onnx.OnnxExporter().write(teacher, dir.resolve("t.onnx"));
        Path f = write(dir, "d.yaml", "recipe: demo\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n"
                + "  - distill: {teacher: {file: t.onnx}, train: {epochs: 1}}\n");
        return new Planner(new FakeLookup()).plan(RecipeLoader.load(f));
    }

    @Test
    void aTeacherWithTheModelsInputAndClassesPasses() {
        Preflight.check(distillFrom(Zoo.build("lenet-5", 1)), Zoo.build("lenet-300-100", 0));
    }

    @Test
    void aTeacherWithAnotherInputOrClassCountFailsAtItsFile() {
        ModelGraph flat = MlpBuilder.build("flat", new long[] {784}, new int[] {10}, 0f, 1f, 0);
        Plan input = distillFrom(flat);
        assertError(() -> Preflight.check(input, Zoo.build("lenet-300-100", 0)), dir.resolve("d.yaml"), 5, 31,
                "the teacher's input has shape [-1, 784]", "[-1, 1, 28, 28]");
        ModelGraph threeWay = MlpBuilder.build("three", new long[] {1, 28, 28}, new int[] {3}, 0f, 1f, 0);
        Plan classes = distillFrom(threeWay);
        assertError(() -> Preflight.check(classes, Zoo.build("lenet-300-100", 0)), dir.resolve("d.yaml"), 5, 31,
                "the teacher's output has shape [-1, 3]", "[-1, 10]");
    }
}
