package dev.condense.kernel.plan;

import dev.condense.kernel.stage.distill.DistillStep;
import dev.condense.kernel.stage.evaluate.EvaluateStep;
import dev.condense.kernel.stage.cluster.ClusterStep;
import dev.condense.kernel.stage.encode.EncodeStep;
import dev.condense.kernel.stage.export.ExportStep;
import dev.condense.kernel.stage.prune.PruneStep;
import dev.condense.kernel.stage.train.TrainStep;
import dev.condense.kernel.stage.plugin.PluginStep;
import dev.condense.kernel.stage.PlannedStage;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.extension.NoParams;
import dev.condense.api.prune.Granularity;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.DataSpec;
import dev.condense.kernel.recipe.Fixtures;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.stage.prune.Schedule;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n";

    @TempDir
    Path dir;

    private final Planner planner = new Planner(new FakeLookup());

    /** Plans the recipe at {@code file}. */
    private Plan plan(Path file) {
        return planner.plan(RecipeLoader.load(file));
    }

    /** A recipe whose only stage (line 5, column 3) is {@code stage}. */
    private Path withStage(String stage) {
        return write(dir, "r.yaml", HEADER + "  - " + stage + "\n");
    }

    @Test
    void plansTheQuickstartRecipe() {
        Plan p = plan(Fixtures.recipesDir().resolve("quickstart.yaml"));
        assertEquals("quickstart", p.name());
        assertEquals(7, p.seed());
        assertEquals(Optional.of("lenet-300-100"), p.model().zooId());
        assertEquals(Optional.of(new DataSpec("mnist", 0.0, 0, 0)), p.data());
        assertTrue(p.outputDir().isAbsolute());
        assertTrue(p.outputDir().endsWith(Path.of("runs", "quickstart")), p.outputDir().toString());
        assertEquals(List.of("train", "evaluate", "prune", "evaluate", "cluster", "encode", "evaluate", "export"),
                p.stages().stream().map(PlannedStage::kind).toList());

        TrainStep train = assertInstanceOf(TrainStep.class, p.stages().get(0));
        assertEquals(new TrainSpec(8, 128, OptimizerSpec.adam(1e-3), 0), train.spec());

        PruneStep prune = assertInstanceOf(PruneStep.class, p.stages().get(2));
        assertEquals("magnitude", prune.scorer().id());
        assertEquals(new FakeLookup.MagnitudeParams("l1"), prune.scorerParams());
        assertEquals(Granularity.ELEMENT, prune.granularity());
        assertEquals(OptionalDouble.of(0.9), prune.sparsity().sparsityFor("fc1.weight"));
        Schedule.Iterative schedule = assertInstanceOf(Schedule.Iterative.class, prune.schedule());
        assertEquals(3, schedule.steps());
        assertEquals(Optional.of(new TrainSpec(2, 128, OptimizerSpec.adam(5e-4), 0)), schedule.finetune());
        assertEquals(0.9, schedule.target(0.9, 3));

        EvaluateStep evaluate = assertInstanceOf(EvaluateStep.class, p.stages().get(3));
        assertEquals(List.of("accuracy", "size", "latency"), evaluate.metrics());
        assertEquals(256, evaluate.batch());
        ClusterStep cluster = assertInstanceOf(ClusterStep.class, p.stages().get(4));
        assertEquals(6, cluster.spec().fcBits());
        assertEquals(new FakeLookup.KmeansParams(6, null), cluster.fcParams());
        assertEquals(5, assertInstanceOf(EncodeStep.class, p.stages().get(5)).spec().fcBits());
        assertEquals("onnx", assertInstanceOf(ExportStep.class, p.stages().get(7)).format());
    }

    @Test
    void bindsScorerParamsAndCustomStages() {
        Path f = write(dir, "r.yaml", HEADER + "  - prune: {scorer: {magnitude: {norm: l2}}, sparsity: 0.5}\n"
                + "  - prune: {scorer: {snip: {batches: 4}}, sparsity: 0.5}\n"
                + "  - prune: {scorer: fpgm, granularity: filter, sparsity: 0.5}\n"
                + "  - search: {budget: 4.0}\n");
        Plan p = plan(f);
        assertEquals(new FakeLookup.MagnitudeParams("l2"), ((PruneStep) p.stages().get(0)).scorerParams());
        assertEquals(new FakeLookup.SnipParams(4), ((PruneStep) p.stages().get(1)).scorerParams());
        assertEquals(new NoParams(), ((PruneStep) p.stages().get(2)).scorerParams());
        PluginStep search = assertInstanceOf(PluginStep.class, p.stages().get(3));
        assertEquals("search", search.kind());
        assertEquals(new FakeLookup.SearchParams(4.0), search.params());
    }

    @Test
    void unknownScorerSuggestsAndListsInstalledIds() {
        Path f = withStage("prune: {scorer: magnitdue, sparsity: 0.5}");
        assertError(() -> plan(f), f, 5, 21, "unknown scorer 'magnitdue'", "(did you mean 'magnitude'?)",
                "installed: fpgm, magnitude, snip");
    }

    @Test
    void quantizeResolvesItsCalibratorAmongInstalledOnes() {
        Path f = withStage("quantize: {activations: {calibrator: minmx}}");
        assertError(() -> plan(f), f, 5, 42, "unknown calibrator 'minmx'", "(did you mean 'minmax'?)");
        Path ok = withStage("quantize: {activations: {calibrator: minmax}}");
        var step = (dev.condense.kernel.stage.quantize.QuantizeStep) plan(ok).stages().get(0);
        assertEquals("minmax", step.calibrator().id());
    }

    @Test
    void scorerParamErrorsAreLocatedAtTheValue() {
        Path norm = withStage("prune: {scorer: {magnitude: {norm: l3}}, sparsity: 0.5}");
        assertError(() -> plan(norm), norm, 5, 40, "norm must be l1 or l2, was l3");
        Path key = withStage("prune: {scorer: {magnitude: {nrom: l1}}, sparsity: 0.5}");
        assertError(() -> plan(key), key, 5, 34, "unknown key 'nrom' in magnitude", "(did you mean 'norm'?)",
                "allowed keys: norm");
        Path type = withStage("prune: {scorer: {snip: {batches: many}}, sparsity: 0.5}");
        assertError(() -> plan(type), type, 5, 38, "expected an integer for batches but found string \"many\"");
        Path nul = withStage("prune: {scorer: {snip: {batches: ~}}, sparsity: 0.5}");
        assertError(() -> plan(nul), nul, 5, 38, "expected an integer for batches but found null");
        Path fraction = withStage("prune: {scorer: {snip: {batches: 2.5}}, sparsity: 0.5}");
        assertError(() -> plan(fraction), fraction, 5, 38, "expected an integer for batches but found number 2.5");
        Path range = withStage("prune: {scorer: {snip: {batches: 0}}, sparsity: 0.5}");
        assertError(() -> plan(range), range, 5, 38, "batches must be >= 1, was 0");
        Path missing = withStage("prune: {scorer: snip, sparsity: 0.5}");
        assertError(() -> plan(missing), missing, 5, 13, "missing required key 'batches' in scorer");
        Path notMap = withStage("prune: {scorer: {magnitude: l1}, sparsity: 0.5}");
        assertError(() -> plan(notMap), notMap, 5, 33, "expected a mapping for magnitude but found string \"l1\"");
    }

    @Test
    void blockStyleErrorsAreLocatedToo() {
        Path f = write(dir, "r.yaml", HEADER + """
                  - prune:
                      scorer:
                        magnitude:
                          norm: l3
                      sparsity: 0.5
                """);
        assertError(() -> plan(f), f, 8, 17, "norm must be l1 or l2, was l3");
        Path key = write(dir, "k.yaml", HEADER + """
                  - prune:
                      scorer: magnitude
                      sparsity: 0.5
                      schedul: one-shot
                """);
        assertError(() -> plan(key), key, 8, 7, "unknown key 'schedul' in prune", "(did you mean 'schedule'?)",
                "allowed keys: granularity, layers, schedule, scorer, sparsity");
    }

    @Test
    void scorerMustSupportTheGranularity() {
        Path f = withStage("prune: {scorer: fpgm, granularity: element, sparsity: 0.5}");
        assertError(() -> plan(f), f, 5, 40, "scorer 'fpgm' does not support granularity 'element'", "it supports: filter");
    }

    @Test
    void dataDrivenStagesNeedData() {
        String header = "recipe: demo\nmodel: {zoo: lenet-5}\nstages:\n  - ";
        Path snip = write(dir, "s.yaml", header + "prune: {scorer: {snip: {batches: 1}}, sparsity: 0.5}\n");
        assertError(() -> plan(snip), snip, 4, 22, "scorer 'snip' needs data");
        Path train = write(dir, "t.yaml", header + "train: {epochs: 1}\n");
        assertError(() -> plan(train), train, 4, 5, "a train stage needs a data section");
        Path accuracy = write(dir, "a.yaml", header + "evaluate: {metrics: [size, accuracy]}\n");
        assertError(() -> plan(accuracy), accuracy, 4, 5, "the accuracy metric needs a data section");
        Path finetune = write(dir, "f.yaml", header
                + "prune: {scorer: magnitude, sparsity: 0.5, schedule: {iterative: {steps: 2, finetune: {epochs: 1}}}}\n");
        assertError(() -> plan(finetune), finetune, 4, 5, "fine-tuning needs a data section");
        Path weightOnly = write(dir, "w.yaml", header + "prune: {scorer: magnitude, sparsity: 0.5}\n  - evaluate: {metrics: [size]}\n");
        assertEquals(2, plan(weightOnly).stages().size());
    }

    @Test
    void evaluatingOnTheValidationSplitNeedsHeldOutRows() {
        Path none = withStage("evaluate: {metrics: [accuracy], split: validation}");
        assertError(() -> plan(none), none, 5, 5, "evaluate on split 'validation' needs held-out rows",
                "set data.validation");
        Path held = write(dir, "v.yaml", "recipe: demo\nmodel: {zoo: lenet-300-100}\n"
                + "data: {dataset: mnist, validation: 0.1}\nstages:\n  - evaluate: {split: validation}\n");
        EvaluateStep step = assertInstanceOf(EvaluateStep.class, plan(held).stages().get(0));
        assertEquals("validation", step.split());
        assertEquals("test", assertInstanceOf(EvaluateStep.class, plan(withStage("evaluate")).stages().get(0)).split());
        Path typo = withStage("evaluate: {split: valid}");
        assertError(() -> plan(typo), typo, 5, 23, "split must be one of [test, validation]");
    }

    @Test
    void unknownStageKindSuggestsBuiltInsAndPlugins() {
        Path f = withStage("pruen: {scorer: magnitude, sparsity: 0.5}");
        assertError(() -> plan(f), f, 5, 5, "unknown stage kind 'pruen'", "(did you mean 'prune'?)",
                "built-in kinds: cluster, distill, encode, evaluate, export, factorize, prune, quantize, train",
                "plugin stages: search");
        Path serch = withStage("serch: {budget: 2.0}");
        assertError(() -> plan(serch), serch, 5, 5, "(did you mean 'search'?)");
        Path params = withStage("search: {budegt: 2.0}");
        assertError(() -> plan(params), params, 5, 14, "unknown key 'budegt' in search", "(did you mean 'budget'?)");
    }

    @Test
    void distillResolvesItsLossAndBindsItsParams() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("t.onnx"), "x");
        Path f = withStage("distill: {teacher: {file: t.onnx}, loss: {soft-label: {temperature: 2}}, train: {epochs: 1}}");
        DistillStep d = assertInstanceOf(DistillStep.class, plan(f).stages().get(0));
        assertEquals(new FakeLookup.SoftLabelParams(2.0), d.lossParams());
        assertEquals("distill", d.kind());
        Path unknown = withStage("distill: {teacher: {file: t.onnx}, loss: soft-lable, train: {epochs: 1}}");
        assertError(() -> plan(unknown), unknown, 5, 46, "unknown loss 'soft-lable'", "(did you mean 'soft-label'?)");
        Path range = withStage("distill: {teacher: {file: t.onnx}, loss: {soft-label: {temperature: 0}}, train: {epochs: 1}}");
        assertError(() -> plan(range), range, 5, 73, "temperature must be in (0, 100]");
    }

    @Test
    void distillFeatureLossesResolveAtPlanTime() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("t.onnx"), "x");
        String head = "distill: {teacher: {file: t.onnx}, train: {epochs: 1}, features: [{student: a, teacher: b, loss: ";
        DistillStep d = assertInstanceOf(DistillStep.class, plan(withStage(head + "soft-label}]}")).stages().get(0));
        assertEquals(1, d.features().size());
        assertEquals("soft-label", d.features().get(0).loss().id());
        Path unknown = withStage(head + "soft-lable}]}");
        assertError(() -> plan(unknown), unknown, 5, 102, "unknown feature loss 'soft-lable'",
                "(did you mean 'soft-label'?)", "installed: soft-label");
    }
}
