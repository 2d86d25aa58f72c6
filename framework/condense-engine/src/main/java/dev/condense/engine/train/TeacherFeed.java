package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.ShapeInference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Distillation's teacher: a classifier with the student's input shape and number of classes. Live (the default),
 * it is lowered once in inference mode (running batch-norm statistics, no dropout) into its own SameDiff graph and
 * each step runs one forward pass on exactly the rows the student sees (after augmentation). Cached
 * ({@link #cached}), it is never lowered: ONNX Runtime computes each training row once and later visits read the
 * row back from a memory-mapped file by row id ({@link TeacherCache}); valid only when a row id always stands for
 * the same features (no augmentation), which the caller decides. Either way it feeds the teacher's logits
 * {@code [N, C]} to the placeholder {@value #LOGITS}, which the loss reads as {@code LossInputs.teacherLogits()}, and
 * teacher tensors tapped through {@link #tap} ({@link FeatureTaps}) come from the same pass or record. A step's
 * teacher arrays (cached or live) belong to this feed and are freed when the next step is fed (or at
 * {@link #close()}): a hook that keeps one beyond its step copies it. Left to the GC, a live TinyBERT teacher's
 * outputs (~22 MB a batch) piled up off-heap until the run was killed at 23.4 GB (docs/benchmarks.md, issue 18,
 * sixteenth session).
 */
public final class TeacherFeed implements TrainingHook, AutoCloseable {
    /** Placeholder of the teacher's logits in the student's training graph. */
    public static final String LOGITS = "condense.teacher";
    private static final String TAP = "condense.teacher/";
    private final ModelGraph teacher;
    private final Map<String, String> taps = new LinkedHashMap<>();
    private LoweredGraph lowered;
    private Map<String, long[]> shapes;
    private SameDiff student;
    private final Path cacheFile;
    private final int cacheRows;
    private TeacherCache cache;
    private TeacherCacheStats lastStats;
    /** The teacher arrays fed to the current step; this feed owns them and closes them at the next step. */
    private final List<INDArray> fed = new ArrayList<>();

    /** @param teacher the teacher graph; it is lowered when the first run that uses this feed builds its graph */
    public TeacherFeed(ModelGraph teacher) {
        this(teacher, null, 0);
    }

    private TeacherFeed(ModelGraph teacher, Path cacheFile, int cacheRows) {
        this.teacher = teacher;
        this.cacheFile = cacheFile;
        this.cacheRows = cacheRows;
    }

    /**
     * A teacher computed once per training row by ONNX Runtime and read back from {@code file} by row id. Only for
     * runs whose rows are the same every epoch (no augmentation).
     *
     * @param file scratch file, must not exist; created at the first step, deleted when the run's graph is replaced
     *             or at {@link #close()}
     * @param rows rows of the training split
     */
    public static TeacherFeed cached(ModelGraph teacher, Path file, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("a cached teacher needs at least one training row, got " + rows);
        }
        return new TeacherFeed(teacher, java.util.Objects.requireNonNull(file, "file"), rows);
    }

    /** True when this feed reads the teacher from a cache file. */
    public boolean isCached() {
        return cacheFile != null;
    }

    /** The cache's costs of the current or last run (empty for a live teacher or before the first step). */
    public java.util.Optional<TeacherCacheStats> cacheStats() {
        return java.util.Optional.ofNullable(cache != null ? cache.stats() : lastStats);
    }

    @Override
    public void build(GraphBuild build) {
        attach(build);
        build.teacherLogits(build.sd().placeHolder(LOGITS, DataType.FLOAT, -1, build.numClasses()));
    }

    /**
     * A placeholder in the student's training graph, fed every step with teacher tensor {@code tensor} (a node
     * output of the teacher) for the batch; shape as the tensor's, batch first.
     *
     * @throws IllegalArgumentException if the teacher has no such tensor
     */
    SDVariable tap(GraphBuild build, String tensor) {
        attach(build);
        if (shapes == null) {
            shapes = ShapeInference.infer(teacher);
        }
        if (teacher.producer(tensor).isEmpty()) {
            throw new IllegalArgumentException("no tensor '" + tensor + "' in the teacher graph '" + teacher.name()
                    + "': a teacher tap names a node output");
        }
        String name = taps.computeIfAbsent(tensor, t -> TAP + t);
        return build.sd().hasVariable(name) ? build.sd().getVariable(name)
                : build.sd().placeHolder(name, DataType.FLOAT, shapes.get(tensor));
    }

    /** Starts over when used by a new run (a new student graph): taps and the cache belong to one run. */
    private void attach(GraphBuild build) {
        if (lowered == null && cacheFile == null) {
            lowered = SameDiffLowering.lower(teacher);
        }
        if (student != build.sd()) {
            student = build.sd();
            taps.clear();
            close();
        }
    }

    @Override
    public void beforeStep(StepState step) {
        releaseFed();
        if (cacheFile != null) {
            if (cache == null) {
                cache = new TeacherCache(teacher, List.copyOf(taps.keySet()), cacheFile, cacheRows);
            }
            Map<String, INDArray> out = cache.batch(step.rows(), step::features);
            fed.addAll(out.values());
            step.feed(LOGITS, out.get(teacher.outputs().get(0).name()));
            taps.forEach((tensor, placeholder) -> step.feed(placeholder, out.get(tensor)));
            return;
        }
        Map<String, INDArray> x = Map.of(lowered.inputName(), step.features());
        String logits = lowered.outputName();
        if (taps.isEmpty()) {
            INDArray out = lowered.sd().outputSingle(x, logits);
            fed.add(out);
            step.feed(LOGITS, out);
            return;
        }
        List<String> wanted = new ArrayList<>(taps.keySet());
        wanted.add(logits);
        Map<String, INDArray> out = lowered.sd().output(x, wanted);
        fed.addAll(out.values());
        step.feed(LOGITS, out.get(logits));
        taps.forEach((tensor, placeholder) -> step.feed(placeholder, out.get(tensor)));
    }

    /**
     * Frees the off-heap buffers of the teacher arrays fed to the last step. Left to the GC (ND4J frees an
     * array's buffer only when its Java object is collected), an attention run on 54,000 Fashion-MNIST rows (10,986
     * cached floats a row, 2.4 GB an epoch) reached 19 GB resident at epoch 7 of 8.
     */
    private void releaseFed() {
        for (INDArray a : fed) {
            if (a.closeable()) {
                a.close();
            }
        }
        fed.clear();
    }

    /**
     * Deletes the cache file of the current run, if any, and frees the last step's teacher arrays.
     */
    @Override
    public void close() {
        releaseFed();
        if (cache != null) {
            lastStats = cache.stats();
            TeacherCache c = cache;
            cache = null;
            c.close();
        }
    }
}
