package dev.condense.kernel.run;

import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.stats.ModelStats;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.stage.PlannedStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Executes a {@link Plan}: loads the model and data, runs the stages in order with a checkpoint after each, writes
 * model, report, resolved recipe and provenance into the partial directory, and renames it into place only when
 * every stage succeeded. {@code --resume} continues from the last checkpoint; because every stage draws its
 * randomness from the recipe seed and its own index, a resumed run ends with the same bytes as an uninterrupted one.
 */
public final class PipelineRunner {
    private final DatasetCatalog catalog;
    private final Supplier<List<Path>> pluginZips;
    private final String version;

    /**
     * @param catalog    data sets by id
     * @param pluginZips the installed plugin zips, recorded in provenance
     * @param version    the running Condense version, recorded in provenance
     */
    public PipelineRunner(DatasetCatalog catalog, Supplier<List<Path>> pluginZips, String version) {
        this.catalog = catalog;
        this.pluginZips = pluginZips;
        this.version = version;
    }

    public RunResult run(Plan plan, RunOptions options) throws IOException {
        guard(plan, options);
        Nd4j.create(1); // boot the ND4J backend on the kernel side, before any plugin code runs
        ModelGraph graph = ModelLoader.load(plan.model(), plan.seed(), options.cacheDir());
        ModelGraph input = graph;
        Preflight.check(plan, graph);
        Dataset data = plan.data().map(d -> load(plan, d, options)).orElse(null);
        if (data != null) {
            long[] out = graph.outputs().get(0).shape();
            if (out[out.length - 1] < data.numClasses()) {
                throw new RecipeException(Location.ofFile(plan.source()), "model " + graph.name() + " has "
                        + out[out.length - 1] + " outputs but data set " + data.id() + " has " + data.numClasses()
                        + " classes (labels 0.." + (data.numClasses() - 1) + "); use a model with at least that many outputs");
            }
        }
        String planHash = Provenance.sha256(ResolvedRecipe.yaml(plan));
        try (RunDirectory dir = RunDirectory.open(plan.outputDir(), options.resume(), options.force())) {
            options.log().open(dir.temp().resolve(RunLog.FILE));
            Map<String, Object> report = header(plan, graph, data);
            List<Map<String, Object>> stages = new ArrayList<>();
            List<Map<String, Object>> evaluations = new ArrayList<>();
            int first = 0;
            if (dir.resumed()) {
                var saved = Checkpoints.load(dir.temp());
                if (saved.isPresent()) {
                    RunState state = saved.get().state();
                    boolean same = state.planSha256().equals(planHash);
                    if (!same && (state.prefixSha256() == null || state.completed() > plan.stages().size()
                            || !state.prefixSha256().equals(prefixHash(plan, state.completed())))) {
                        throw new RecipeException(Location.ofFile(plan.source()), "cannot resume: the interrupted run in "
                                + dir.temp() + " was made from a recipe that differs from this one before or in its"
                                + " completed stages (1-" + state.completed() + "); run without --resume to start"
                                + " over");
                    }
                    graph = saved.get().graph();
                    first = state.completed();
                    stages.addAll(state.stages());
                    evaluations.addAll(state.evaluations());
                    options.out().printf(Locale.ROOT, "resuming after stage %d of %d%s%n", first, plan.stages().size(),
                            same ? "" : " (the recipe changed after stage " + first + " since the interruption)");
                }
            }
            Path work = Files.createDirectories(dir.temp().resolve(".work"));
            Supplier<Path> reference = latencyReference(input, work);
            for (int i = first; i < plan.stages().size(); i++) {
                PlannedStage stage = plan.stages().get(i);
                String label = (i + 1) + ":" + stage.kind();
                options.out().printf(Locale.ROOT, "[%d/%d] %s%n", i + 1, plan.stages().size(), stage.kind());
                RunContext ctx = new RunContext(plan.seed(), i, data, work, options, stage.kind());
                long start = System.nanoTime();
                graph = stage.run(graph, new StageRun(ctx, dir.temp(), label, evaluations, reference));
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("index", i + 1);
                s.put("kind", stage.kind());
                s.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
                s.putAll(ctx.reported());
                stages.add(s);
                if (i + 1 < plan.stages().size()) {
                    Checkpoints.save(dir.temp(), graph, new RunState(planHash, prefixHash(plan, i + 1), i + 1, stages,
                            evaluations));
                }
            }
            report.put("stages", stages);
            report.put("evaluations", evaluations);
            Map<String, Object> last = finalStats(graph);
            report.put("final", last);
            report.put("removed_params", (long) ((Map<?, ?>) report.get("initial")).get("dense_params")
                    - (long) last.get("dense_params"));
            report.put("notes", HonestyNotes.of(input, graph, (Map<?, ?>) report.get("initial"), evaluations,
                    Files.exists(dir.temp().resolve("model.onnx"))));
            ResolvedRecipe.write(plan, dir.temp().resolve("recipe.resolved.yaml"));
            Provenance.write(dir.temp().resolve("provenance.yaml"), plan, data, pluginZips.get(), version);
            dev.condense.kernel.plugin.FileTrees.deleteQuietly(work);
            Checkpoints.discard(dir.temp());
            ReportWriter.write(dir.temp(), report);
            dir.commit(() -> {
                try {
                    guard(plan, options);
                } catch (RecipeException e) {
                    throw new RecipeException(e.location(), e.detail() + " (it appeared during the run; the finished"
                            + " run is kept in " + dir.temp() + ")");
                }
            });
            return new RunResult(dir.target(), report);
        } finally {
            options.log().close();
        }
    }

    /**
     * Loads the recipe's data set. For a text model the rows are tokenized by its tokenizer at its sequence length,
     * and a bad row (not UTF-8, a label outside the set, a pair longer than the sequence length) is a located recipe
     * error naming the row's file and line: the user's input, reported before anything is written or trained.
     */
    private Dataset load(Plan plan, dev.condense.kernel.recipe.DataSpec d, RunOptions options) {
        Dataset all = loadAll(plan, d, options);
        return d.fraction() == null ? all : TrainingFraction.of(all, d.fraction(), d.permutationSeed(plan.seed()));
    }

    private Dataset loadAll(Plan plan, dev.condense.kernel.recipe.DataSpec d, RunOptions options) {
        DataOptions o = new DataOptions(options.dataDir(), options.cacheDir(), d.validation(), d.trainLimit(),
                d.testLimit(), d.permutationSeed(plan.seed()));
        if (plan.model().textEncoder().isEmpty()) {
            return catalog.load(d.dataset(), o);
        }
        var files = ModelLoader.encoderFiles(plan.model(), options.cacheDir());
        try {
            return catalog.load(d.dataset(), o.withText(new dev.condense.engine.data.PairEncoding(files.tokenizer(),
                    plan.model().textEncoder().get().sequenceLength(), d.skipLongPairs(), d.allRationales())));
        } catch (dev.condense.engine.data.CorruptDataException e) {
            throw new RecipeException(Location.ofFile(plan.source()), "data set " + d.dataset() + ": " + e.getMessage());
        }
    }

    /** Refuses an output directory the run must not replace ({@link OutputGuard}), located at its recipe key. */
    private static void guard(Plan plan, RunOptions options) {
        OutputGuard.check(plan.outputDir(), plan.outputLocation(), GuardedPaths.of(plan, options.dataDir(),
                options.cacheDir()), options.force(), options.resume());
    }

    /**
     * The run's input model exported into {@code work} as {@code reference.onnx} on first request: the reference
     * every evaluate stage times its model against (exported once per run, or per resumed run).
     */
    private static Supplier<Path> latencyReference(ModelGraph input, Path work) {
        Path[] file = new Path[1];
        return () -> {
            if (file[0] == null) {
                file[0] = work.resolve("reference.onnx");
                new OnnxExporter().write(input, file[0]);
            }
            return file[0];
        };
    }

    private static Map<String, Object> header(Plan plan, ModelGraph graph, Dataset data) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("recipe", plan.name());
        r.put("seed", plan.seed());
        dev.condense.engine.blas.CpuFeatures.current().ifPresent(cpu -> r.put("cpu", cpu.vendor() + ", "
                + String.join(" ", cpu.instructionSets())));
        r.put("model", plan.model().describe());
        if (data != null) {
            r.put("dataset", Map.of("id", data.id(), "train_rows", data.train().size(), "test_rows", data.test().size(),
                    "sha256", data.sha256()));
        }
        r.put("initial", finalStats(graph));
        return r;
    }

    private static Map<String, Object> finalStats(ModelGraph graph) {
        ModelStats s = ModelStats.of(graph);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dense_params", s.denseParams());
        m.put("nonzeros", s.nonzeros());
        m.put("macs_per_sample", dev.condense.engine.stats.LayerCost.total(graph));
        List<Map<String, Object>> layers = new ArrayList<>();
        for (var t : s.tensors()) {
            layers.add(Map.of("name", t.name(), "shape", t.shape(), "params", t.denseParams(), "nonzeros", t.nonzeros()));
        }
        m.put("tensors", layers);
        return m;
    }

    /** SHA-256 of the resolved recipe cut after its first {@code stages} stages. */
    private static String prefixHash(Plan plan, int stages) {
        return Provenance.sha256(ResolvedRecipe.yaml(plan, stages));
    }
}
