package dev.condense.engine.train;

import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The graph-build phase of a training run ({@link TrainingHook#build}): the student's SameDiff training graph,
 * lowered, with its one-hot label placeholder {@code [N, C]} and no loss yet. Hooks add placeholders (fed per batch
 * in {@link TrainingHook#beforeStep}) and name what the loss reads: the teacher's logits and named features. The
 * run then builds the loss from {@link #lossInputs()}.
 */
public final class GraphBuild {
    private final ModelGraph graph;
    private final LoweredGraph lowered;
    private final SDVariable labels;
    private final int numClasses;
    private final Map<String, SDVariable> features = new LinkedHashMap<>();
    private SDVariable teacherLogits;

    GraphBuild(ModelGraph graph, LoweredGraph lowered, SDVariable labels, int numClasses) {
        this.graph = graph;
        this.lowered = lowered;
        this.labels = labels;
        this.numClasses = numClasses;
    }

    /** The student's SameDiff training graph. */
    public SameDiff sd() {
        return lowered.sd();
    }

    /** The student's model graph (not the training graph). */
    public ModelGraph graph() {
        return graph;
    }

    /** Width {@code C} of the logits and the one-hot labels. */
    public int numClasses() {
        return numClasses;
    }

    /**
     * The SameDiff variable of student tensor {@code tensor} (a graph input or a node output; lowering names every
     * IR tensor's variable after it), with the tensor's shape, batch first.
     *
     * @throws IllegalArgumentException if the student graph has no such tensor
     */
    public SDVariable tensor(String tensor) {
        boolean input = graph.inputs().stream().map(ValueInfo::name).anyMatch(tensor::equals);
        if (!input && graph.producer(tensor).isEmpty()) {
            throw new IllegalArgumentException("no tensor '" + tensor + "' in the student graph '" + graph.name()
                    + "': a tap names a graph input or a node output");
        }
        return lowered.sd().getVariable(tensor);
    }

    /**
     * The trainable SameDiff variable of student weight {@code initializer} (lowering names it after the initializer;
     * this is the variable itself, before any mask or quantizer view of it).
     *
     * @throws IllegalArgumentException if the student graph has no such trainable weight
     */
    public SDVariable weight(String initializer) {
        SDVariable v = graph.initializers().containsKey(initializer) ? lowered.sd().getVariable(initializer) : null;
        if (v == null || v.getVariableType() != org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
            throw new IllegalArgumentException("no trainable weight '" + initializer + "' in the student graph '"
                    + graph.name() + "'");
        }
        return v;
    }

    /**
     * Sets the teacher's logits {@code [N, C]} the loss reads.
     *
     * @throws IllegalStateException if a hook has set them already
     */
    public void teacherLogits(SDVariable logits) {
        if (teacherLogits != null) {
            throw new IllegalStateException("the teacher's logits are set twice: a run takes one teacher feed");
        }
        teacherLogits = logits;
    }

    /**
     * Adds a named feature the loss reads ({@link LossInputs#features()}).
     *
     * @throws IllegalArgumentException if {@code key} is taken
     */
    public void feature(String key, SDVariable value) {
        if (features.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("feature '" + key + "' is tapped twice");
        }
    }

    /** What the loss is built from: student logits, labels, the teacher's logits (or null) and the features. */
    LossInputs lossInputs() {
        return new LossInputs(lowered.sd(), lowered.sd().getVariable(lowered.outputName()), labels, teacherLogits,
                features);
    }
}
