package dev.condense.kernel.run;

import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.stage.StageContext;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.api.loss.LossInputs;
import dev.condense.engine.train.FeatureLosses;
import dev.condense.engine.train.MaskProjection;
import java.util.function.Function;
import org.nd4j.autodiff.samediff.SDVariable;
import dev.condense.engine.train.Probes;
import dev.condense.kernel.stage.distill.DistillStep;
import dev.condense.kernel.plugin.PluginCalls;
import dev.condense.engine.train.ProgressHook;
import dev.condense.engine.train.TeacherFeed;
import dev.condense.engine.train.RationaleFeed;
import dev.condense.engine.train.Trainer;
import dev.condense.engine.train.TrainingHook;
import java.util.Collection;
import org.nd4j.linalg.api.ndarray.INDArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link StageContext} of one stage of a run. Its seed mixes the recipe seed with the stage index, so each
 * stage has its own stable random stream and inserting a stage does not change the streams of earlier ones.
 */
public final class RunContext implements StageContext {
    private final long seed;
    private final Dataset dataset;
    private final Path workDir;
    private final RunOptions options;
    private final String label;
    private final Map<String, Object> report = new LinkedHashMap<>();
    private int trainings;

    public RunContext(long recipeSeed, int stageIndex, Dataset dataset, Path workDir, RunOptions options, String label) {
        this.seed = recipeSeed * 1_000_003L + stageIndex;
        this.dataset = dataset;
        this.workDir = workDir;
        this.options = options;
        this.label = label;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Optional<Dataset> dataset() {
        return Optional.ofNullable(dataset);
    }

    @Override
    public TrainResult train(ModelGraph graph, TrainSpec spec) {
        return train(graph, spec, List.of());
    }

    /**
     * Trains {@code graph} as {@link #train(ModelGraph, TrainSpec)} does, with {@code hooks} run after the mask
     * projection and before the progress hook (fake quantization for qat, {@code XnorBinarization} for binary mode,
     * {@code SharedWeights} for the cluster stage).
     */
    public TrainResult train(ModelGraph graph, TrainSpec spec, List<TrainingHook> hooks) {
        if (dataset == null) {
            throw new IllegalStateException(label + ": training needs a data set; add data: {dataset: ...} to the recipe");
        }
        trainings++;
        ConsoleProgress progress = new ConsoleProgress(options.out(), options.terminal(), label);
        List<TrainingHook> all = new java.util.ArrayList<>();
        all.add(new MaskProjection(graph.masks()));
        all.addAll(hooks);
        all.add(new ProgressHook(progress));
        return Trainer.fit(graph, dataset.train(), classes(graph, dataset), spec, seed + 7919L * trainings,
                Trainer.CROSS_ENTROPY, all);
    }

    /**
     * Trains {@code graph} as {@link #train(ModelGraph, TrainSpec)} does with another loss, built inside the loss
     * plugin's class loader. A loss that reads rationales ({@link dev.condense.api.loss.LossFunction#rationales()})
     * gets them from the training split with the text model's token states ({@value #STATES}) and attention mask
     * ({@link #MASK}) through a {@link RationaleFeed}; without them it is a located error before any training.
     */
    public TrainResult train(ModelGraph graph, TrainSpec spec, dev.condense.api.loss.LossFunction<?> loss,
                             Function<LossInputs, SDVariable> build, dev.condense.kernel.recipe.Location at) {
        Dataset d = requireData("train stages");
        List<TrainingHook> hooks = new java.util.ArrayList<>();
        if (PluginCalls.in(loss, loss::rationales)) {
            if (d.train().rationales() == null) {
                throw new dev.condense.kernel.recipe.RecipeException(at, "loss " + loss.id() + " trains on the rows'"
                        + " rationales, and data set " + d.id() + " has none (esnli has)");
            }
            for (String t : List.of(STATES, MASK)) {
                if (graph.producer(t).isEmpty()) {
                    throw new dev.condense.kernel.recipe.RecipeException(at, "loss " + loss.id() + " reads a text"
                            + " model's token states and attention mask; the model has no tensor '" + t
                            + "' (use model: {encoder: ...})");
                }
            }
            hooks.add(new RationaleFeed(d.train().rationales(), STATES, MASK,
                    graph.producer(TOKENS).isPresent() ? TOKENS : null, seed + 7919L * (trainings + 1)));
        }
        trainings++;
        ConsoleProgress progress = new ConsoleProgress(options.out(), options.terminal(), label, "label loss");
        hooks.add(0, new MaskProjection(graph.masks()));
        hooks.add(new ProgressHook(progress));
        return Trainer.fit(graph, d.train(), classes(graph, d), spec, seed + 7919L * trainings,
                inputs -> PluginCalls.in(loss, () -> build.apply(inputs)), hooks);
    }

    /** The text model's last token states {@code [N, L, D]}, read by rationale losses. */
    static final String STATES = "last_hidden_state";
    /** The text model's word-piece ids {@code [N, L]} (int64, unpacked from {@code PackedInputs}' input), read by a copying head. */
    static final String TOKENS = "input_ids";
    /** The text model's attention mask {@code [N, L]} as float, inside the packed input ({@code PackedInputs}). */
    static final String MASK = dev.condense.engine.nlp.PackedInputs.PACKED + ".1.float";

    /**
     * Trains {@code graph} as {@link #train} does (masks projected after every step), distilling from
     * {@code teacher} with the step's loss. The loss is built inside the loss plugin's class loader. The teacher is
     * cached (computed once per training row by ONNX Runtime into a scratch file in the work directory, deleted at the
     * end) when the stage's {@code teacher-cache} allows and no augmentation changes the rows, else it runs on every
     * batch; the report says which and why ({@code teacher_cache}) and gives each epoch's wall seconds.
     */
    public TrainResult distill(ModelGraph graph, DistillStep step, ModelGraph teacher) {
        Dataset d = requireData("distill stages");
        trainings++;
        ConsoleProgress progress = new ConsoleProgress(options.out(), options.terminal(), label, "label loss");
        String live = step.teacherCache().liveReason(step.spec());
        TeacherFeed feed = live != null ? new TeacherFeed(teacher) : TeacherFeed.cached(teacher,
                workDir.resolve("teacher-cache-" + System.nanoTime() + ".f32"), Math.toIntExact(d.train().size()));
        List<Double> epochSeconds = new java.util.ArrayList<>();
        TrainingHook timer = new TrainingHook() {
            @Override
            public void epochEnd(dev.condense.engine.train.EpochSummary epoch) {
                epochSeconds.add(Math.round(epoch.seconds() * 1000) / 1000.0);
            }
        };
        Function<LossInputs, SDVariable> logits = inputs -> PluginCalls.in(step.loss(), () -> step.buildLoss(inputs));
        try {
            if (step.features().isEmpty()) {
                return Trainer.fit(graph, d.train(), classes(graph, d), step.spec(), seed + 7919L * trainings, logits,
                        List.of(new MaskProjection(graph.masks()), feed, timer, new ProgressHook(progress)));
            }
            FeatureLosses features = new FeatureLosses(feed, step.featureTerms(graph, teacher), step.logitsWeight(),
                    step.normalize());
            TrainResult result = Trainer.fit(graph, d.train(), classes(graph, d), step.spec(),
                    seed + 7919L * trainings, inputs -> features.total(logits.apply(inputs)),
                    List.of(new MaskProjection(graph.masks()), feed, features, timer, new ProgressHook(progress)));
            report("loss terms per epoch", features.history());
            if (step.normalize()) {
                report("feature term scales", java.util.Arrays.stream(features.scales()).boxed().toList());
            }
            return result;
        } finally {
            feed.close();
            Map<String, Object> cache = new LinkedHashMap<>();
            cache.put("used", live == null);
            cache.put("why", live == null ? "no augmentation: each training row is the same every epoch, so the"
                    + " teacher runs once per row (ONNX Runtime) and is read back from a memory-mapped file" : live);
            feed.cacheStats().ifPresent(s -> cache.putAll(s.toReport()));
            report("teacher", String.valueOf(step.teacher().modelFile().orElseThrow()) + (live == null
                    ? " (cached: computed once per row)" : " (run every batch: " + live + ")"));
            report("teacher_cache", cache);
            report("epoch_seconds", epochSeconds);
        }
    }

    @Override
    public Map<String, INDArray> gradients(ModelGraph graph, Collection<String> initializers, int batches, int batchSize) {
        Dataset d = requireData("gradients");
        return Probes.gradients(graph, d.train(), classes(graph, d), initializers, batches, batchSize, seed + 104729L);
    }

    @Override
    public Map<String, INDArray> activations(ModelGraph graph, Collection<String> tensors, int rows) {
        Dataset d = requireData("activations");
        return Probes.activations(graph, d.train(), classes(graph, d), tensors, rows, seed + 1299709L);
    }

    /**
     * The one-hot width for training: the model's output width, which may exceed the labels present (a 10-way model
     * on a 2-class data set simply never sees the other classes). {@link PipelineRunner} rejects the opposite case
     * before any stage runs.
     */
    static int classes(ModelGraph graph, Dataset d) {
        long[] s = graph.outputs().get(0).shape();
        long width = s[s.length - 1];
        if (width < d.numClasses()) {
            throw new IllegalStateException("the model has " + width + " outputs but data set " + d.id() + " has "
                    + d.numClasses() + " classes");
        }
        return (int) width;
    }

    private Dataset requireData(String what) {
        if (dataset == null) {
            throw new IllegalStateException(label + ": " + what + " need a data set; add data: {dataset: ...} to the recipe");
        }
        return dataset;
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public void log(String message) {
        options.out().println("  " + message);
    }

    @Override
    public void report(String key, Object value) {
        report.put(key, value);
    }

    public Map<String, Object> reported() {
        return report;
    }
}
