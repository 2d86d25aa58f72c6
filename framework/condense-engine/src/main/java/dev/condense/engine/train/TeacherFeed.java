package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.ShapeInference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Distillation's teacher: a classifier with the student's input shape and number of classes, lowered once in
 * inference mode (running batch-norm statistics, no dropout) into its own SameDiff graph. Each step it runs one
 * forward pass on exactly the rows the student sees (after augmentation) and feeds the teacher's logits
 * {@code [N, C]} to the placeholder {@value #LOGITS}, which the loss reads as {@code LossInputs.teacherLogits()}.
 * Teacher tensors tapped through {@link #tap} ({@link FeatureTaps}) come out of the same forward pass.
 */
public final class TeacherFeed implements TrainingHook {
    /** Placeholder of the teacher's logits in the student's training graph. */
    public static final String LOGITS = "condense.teacher";
    private static final String TAP = "condense.teacher/";
    private final ModelGraph teacher;
    private final Map<String, String> taps = new LinkedHashMap<>();
    private LoweredGraph lowered;
    private Map<String, long[]> shapes;
    private SameDiff student;

    /** @param teacher the teacher graph; it is lowered when the first run that uses this feed builds its graph */
    public TeacherFeed(ModelGraph teacher) {
        this.teacher = teacher;
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

    /** Starts over when used by a new run (a new student graph): taps belong to one run. */
    private void attach(GraphBuild build) {
        if (lowered == null) {
            lowered = SameDiffLowering.lower(teacher);
        }
        if (student != build.sd()) {
            student = build.sd();
            taps.clear();
        }
    }

    @Override
    public void beforeStep(StepState step) {
        Map<String, INDArray> x = Map.of(lowered.inputName(), step.features());
        String logits = lowered.outputName();
        if (taps.isEmpty()) {
            step.feed(LOGITS, lowered.sd().outputSingle(x, logits));
            return;
        }
        List<String> wanted = new ArrayList<>(taps.keySet());
        wanted.add(logits);
        Map<String, INDArray> out = lowered.sd().output(x, wanted);
        step.feed(LOGITS, out.get(logits));
        taps.forEach((tensor, placeholder) -> step.feed(placeholder, out.get(tensor)));
    }
}
