package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.prune.Schedule;
import dev.condense.kernel.stage.prune.PruneStageSpec;
import dev.condense.kernel.stage.train.TrainStageSpec;
import dev.condense.kernel.stage.evaluate.EvaluateStageSpec;
import dev.condense.kernel.stage.export.ExportStageSpec;
import dev.condense.kernel.stage.StageSpec;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.prune.Granularity;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeLoaderTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n";

    @TempDir
    Path dir;

    /** A recipe whose only stage (line 5, starting at column 3) is {@code stage}. */
    private Path withStage(String stage) {
        return write(dir, "r.yaml", HEADER + "  - " + stage + "\n");
    }

    @Test
    void loadsAFullRecipe() {
        Path f = write(dir, "full.yaml", """
                recipe: demo
                seed: 3
                model: {zoo: lenet-300-100}
                data: {dataset: mnist, validation: 0.1, train-limit: 1000}
                stages:
                  - train: {epochs: 2, batch: 64, optimizer: {sgd: {lr: 0.05, momentum: 0.8, weight-decay: 1.0e-4}}}
                  - prune:
                      scorer: {magnitude: {norm: l2}}
                      granularity: neuron
                      sparsity: {"re:fc[12].*": 0.5, fc3.weight: 0.2, default: 0.3}
                      schedule: {iterative: {steps: 4, ramp: linear, finetune: {epochs: 1}}}
                  - evaluate: {metrics: [accuracy]}
                  - export
                output: {dir: out/demo}
                """);
        Recipe r = RecipeLoader.load(f);
        assertEquals("demo", r.name());
        assertEquals(3, r.seed());
        assertEquals(Optional.of("lenet-300-100"), r.model().zooId());
        assertEquals(Optional.of(new DataSpec("mnist", 0.1, 1000, 0)), r.data());
        assertEquals(Path.of("out/demo"), r.output().dir());
        assertEquals(List.of("train", "prune", "evaluate", "export"), r.stages().stream().map(StageSpec::kind).toList());

        TrainStageSpec train = assertInstanceOf(TrainStageSpec.class, r.stages().get(0));
        assertEquals(new TrainSpec(2, 64, new OptimizerSpec("sgd", 0.05, 0.8, 1e-4), 0), train.spec());
        assertEquals(new Location(f, 6, 5), train.location());

        PruneStageSpec prune = assertInstanceOf(PruneStageSpec.class, r.stages().get(1));
        assertEquals("magnitude", prune.scorer().id());
        assertEquals(new Location(f, 8, 16), prune.scorer().location());
        assertEquals("l2", prune.scorer().params().node().get("norm").asText());
        assertEquals(Granularity.NEURON, prune.granularity());
        assertEquals(OptionalDouble.of(0.5), prune.sparsity().sparsityFor("fc2.weight"));
        assertEquals(OptionalDouble.of(0.2), prune.sparsity().sparsityFor("fc3.weight"));
        assertEquals(OptionalDouble.of(0.3), prune.sparsity().sparsityFor("conv1.weight"));
        assertEquals(new Location(f, 10, 18), prune.sparsity().selectors().get(0).location());
        Schedule.Iterative schedule = assertInstanceOf(Schedule.Iterative.class, prune.schedule());
        assertEquals(4, schedule.steps());
        assertEquals(Schedule.Ramp.LINEAR, schedule.ramp());
        assertEquals(Optional.of(new TrainSpec(1, 128, OptimizerSpec.adam(1e-3), 0)), schedule.finetune());

        EvaluateStageSpec evaluate = assertInstanceOf(EvaluateStageSpec.class, r.stages().get(2));
        assertEquals(List.of("accuracy"), evaluate.metrics());
        assertEquals(256, evaluate.batch());
        assertEquals("onnx", assertInstanceOf(ExportStageSpec.class, r.stages().get(3)).format());
    }

    @Test
    void appliesDefaults() {
        Path f = write(dir, "min.yaml", "recipe: tiny\nmodel: {zoo: lenet-5}\nstages: [export]\n");
        Recipe r = RecipeLoader.load(f);
        assertEquals(0, r.seed());
        assertEquals(Optional.empty(), r.data());
        assertEquals(Path.of("runs", "tiny"), r.output().dir());
    }

    @Test
    void resolvesModelFilesAgainstTheRecipeDirectory() {
        write(dir, "model.onnx", "not really onnx");
        Path f = write(dir, "r.yaml", "recipe: demo\nmodel: {file: model.onnx}\nstages: [export]\n");
        assertEquals(Optional.of(dir.resolve("model.onnx")), RecipeLoader.load(f).model().modelFile());
        Path missing = write(dir, "m.yaml", "recipe: demo\nmodel: {file: gone.onnx}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(missing), missing, 2, 15, "model file not found", "gone.onnx");
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("absent.yaml");
        assertError(() -> RecipeLoader.load(f), f, 0, 0, "recipe file not found");
    }

    @Test
    void syntaxError() {
        Path f = write(dir, "r.yaml", HEADER + "  - train: {epochs: 2\n");
        assertError(() -> RecipeLoader.load(f), f, 5, 22, "invalid YAML", "expected ',' or '}'", "flow mapping started at line 5, column 12");
    }

    @Test
    void unknownTopLevelKeySuggestsAndListsKeys() {
        Path f = write(dir, "r.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstagse: [export]\n");
        assertError(() -> RecipeLoader.load(f), f, 3, 1, "unknown key 'stagse'", "(did you mean 'stages'?)",
                "allowed keys: data, model, output, recipe, seed, stages");
    }

    @Test
    void unknownKeyInAStage() {
        Path f = withStage("train: {epoch: 2}");
        assertError(() -> RecipeLoader.load(f), f, 5, 13, "unknown key 'epoch' in train", "(did you mean 'epochs'?)",
                "allowed keys: augment, batch, clip-norm, epochs, limit, loss, lr-schedule, max-norm, optimizer");
    }

    @Test
    void splitSeedFixesTheRowPermutationApartFromTheRecipeSeed() {
        Path f = write(dir, "s.yaml", "recipe: demo\nseed: 12\nmodel: {zoo: lenet-5}\n"
                + "data: {dataset: mnist, validation: 0.1, split-seed: 7}\nstages: [export]\n");
        DataSpec d = RecipeLoader.load(f).data().orElseThrow();
        assertEquals(new DataSpec("mnist", 0.1, 0, 0, 7L), d);
        assertEquals(7, d.permutationSeed(12));
        assertEquals(12, new DataSpec("mnist", 0.1, 0, 0).permutationSeed(12));
        Path negative = write(dir, "n.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\n"
                + "data: {dataset: mnist, split-seed: -1}\nstages: [export]\n");
        assertThrows(RecipeException.class, () -> RecipeLoader.load(negative));
    }

    @Test
    void unknownKeyInABoundRecordSuggests() {
        Path f = write(dir, "r.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, train_limit: 5}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(f), f, 3, 24, "unknown key 'train_limit' in data",
                "(did you mean 'train-limit'?)", "dataset, fraction, long-pairs, rationales, split-seed, test-limit, train-limit, validation");
    }

    @Test
    void aTrainingFractionAndATrainLossAreRead() {
        Path f = write(dir, "fr.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, fraction: 0.25}\n"
                + "stages:\n  - train: {epochs: 1, loss: {soft-label: {alpha: 0.5}}}\n");
        Recipe r = RecipeLoader.load(f);
        assertEquals(0.25, r.data().orElseThrow().fraction());
        var train = (dev.condense.kernel.stage.train.TrainStageSpec) r.stages().get(0);
        assertEquals("soft-label", train.loss().id());
        assertEquals(1, train.spec().epochs());
        Path zero = write(dir, "f0.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, fraction: 0}\n"
                + "stages: [export]\n");
        assertError(() -> RecipeLoader.load(zero), zero, 3, 34, "fraction must be in (0, 1], was 0.0");
    }

    @Test
    void wrongValueTypes() {
        Path epochs = withStage("train: {epochs: eight}");
        assertError(() -> RecipeLoader.load(epochs), epochs, 5, 21, "expected an integer for epochs but found string \"eight\"");
        Path model = write(dir, "m.yaml", "recipe: demo\nmodel: lenet\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(model), model, 2, 8, "expected a mapping for model but found string \"lenet\"");
        Path validation = write(dir, "v.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, validation: lots}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(validation), validation, 3, 36, "expected a number for validation but found string \"lots\"");
        Path nullLimit = write(dir, "n.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, train-limit: ~}\nstages: [export]\n");
        assertEquals(0, RecipeLoader.load(nullLimit).data().orElseThrow().trainLimit(), "an explicit null means the default");
        Path fraction = write(dir, "x.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, test-limit: 2.5}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(fraction), fraction, 3, 36, "expected an integer for test-limit but found number 2.5");
        Path stages = write(dir, "s.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages: {train: {epochs: 1}}\n");
        assertError(() -> RecipeLoader.load(stages), stages, 3, 9, "expected a list for stages but found a mapping");
    }

    @Test
    void outOfRangeValues() {
        Path epochs = withStage("train: {epochs: -1}");
        assertError(() -> RecipeLoader.load(epochs), epochs, 5, 21, "epochs must be in [0, 10000], was -1");
        Path sparsity = withStage("prune: {scorer: magnitude, sparsity: 1.0}");
        assertError(() -> RecipeLoader.load(sparsity), sparsity, 5, 42, "sparsity must be in [0, 1), was 1.0");
        Path selector = withStage("prune: {scorer: magnitude, sparsity: {fc1.weight: 0.5, \"re:fc.*\": 1.5}}");
        assertError(() -> RecipeLoader.load(selector), selector, 5, 71, "sparsity of 're:fc.*' must be in [0, 1), was 1.5");
        Path validation = write(dir, "v.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, validation: 0.5}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(validation), validation, 3, 36, "validation must be in [0, 0.5), was 0.5");
        Path lr = withStage("train: {epochs: 1, optimizer: {adam: {lr: 0}}}");
        assertError(() -> RecipeLoader.load(lr), lr, 5, 47, "lr must be in (0, 10]");
        Path decay = withStage("train: {epochs: 1, optimizer: {sgd: {lr: 0.1, weight-decay: -1}}}");
        assertError(() -> RecipeLoader.load(decay), decay, 5, 65, "weight-decay must be >= 0");
        Path steps = withStage("prune: {scorer: magnitude, sparsity: 0.5, schedule: {iterative: {steps: 0}}}");
        assertError(() -> RecipeLoader.load(steps), steps, 5, 77, "steps must be in [1, 1000], was 0");
        Path seed = write(dir, "s.yaml", "recipe: demo\nseed: -4\nmodel: {zoo: lenet-5}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(seed), seed, 2, 7, "seed must be in [0, ");
    }

    @Test
    void missingRequiredKeys() {
        Path sparsity = withStage("prune: {scorer: magnitude}");
        assertError(() -> RecipeLoader.load(sparsity), sparsity, 5, 5, "missing required key 'sparsity' in prune");
        Path name = write(dir, "n.yaml", "model: {zoo: lenet-5}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(name), name, 1, 1, "missing required key 'recipe'");
        Path dataset = write(dir, "d.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {validation: 0.1}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(dataset), dataset, 3, 7, "missing required key 'dataset' in data");
        Path steps = withStage("prune: {scorer: magnitude, sparsity: 0.5, schedule: iterative}");
        assertError(() -> RecipeLoader.load(steps), steps, 5, 57, "missing required key 'steps' in iterative");
    }

    @Test
    void unknownNamesSuggestAndList() {
        Path kind = withStage("Train: {epochs: 1}");
        assertError(() -> RecipeLoader.load(kind), kind, 5, 5, "unknown stage kind 'Train'", "(did you mean 'train'?)",
                "built-in kinds: cluster, distill, encode, evaluate, export, factorize, prune, quantize, train");
        Path optimizer = withStage("train: {epochs: 1, optimizer: {adamw: {lr: 0.1}}}");
        assertError(() -> RecipeLoader.load(optimizer), optimizer, 5, 36, "unknown optimizer 'adamw'",
                "(did you mean 'adam'?)", "available: adam, sgd");
        Path granularity = withStage("prune: {scorer: magnitude, granularity: neurons, sparsity: 0.5}");
        assertError(() -> RecipeLoader.load(granularity), granularity, 5, 45, "unknown granularity 'neurons'",
                "(did you mean 'neuron'?)", "element, neuron, filter, channel");
        Path schedule = withStage("prune: {scorer: magnitude, sparsity: 0.5, schedule: iterativ}");
        assertError(() -> RecipeLoader.load(schedule), schedule, 5, 57, "unknown schedule 'iterativ'",
                "(did you mean 'iterative'?)");
        Path metric = withStage("evaluate: {metrics: [accuracy, acuracy]}");
        assertError(() -> RecipeLoader.load(metric), metric, 5, 36, "unknown metric 'acuracy'", "(did you mean 'accuracy'?)");
    }

    @Test
    void otherChecks() {
        Path regex = withStage("prune: {scorer: magnitude, sparsity: {\"re:fc[\": 0.5}}");
        assertError(() -> RecipeLoader.load(regex), regex, 5, 43, "invalid regex in selector 're:fc['");
        Path both = write(dir, "b.yaml", "recipe: demo\nmodel: {zoo: lenet-5, file: m.onnx}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(both), both, 2, 23, "exactly one of zoo, file or encoder");
        Path name = write(dir, "n.yaml", "recipe: My_Recipe\nmodel: {zoo: lenet-5}\nstages: [export]\n");
        assertError(() -> RecipeLoader.load(name), name, 1, 9, "kebab-case");
        Path empty = write(dir, "e.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\nstages: []\n");
        assertError(() -> RecipeLoader.load(empty), empty, 3, 9, "at least one stage");
        Path twoKeys = withStage("{train: {epochs: 1}, export: {}}");
        RecipeException e = assertError(() -> RecipeLoader.load(twoKeys), twoKeys, 5, 5, "single-key mapping");
        assertTrue(e.detail().contains("found a mapping"), e.detail());
    }
}
