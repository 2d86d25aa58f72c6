package dev.condense.engine.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One optimizer step as hooks see it: before the step ({@link TrainingHook#beforeStep}) they may feed
 * placeholders; after it ({@link TrainingHook#afterStep}) the weights are updated and {@link #loss()} is set.
 */
public final class StepState {
    private final SameDiff sd;
    private final int epoch;
    private final int epochs;
    private final int batch;
    private final int batches;
    private final INDArray features;
    private final int[] rows;
    private INDArray featuresCopy;
    private final Map<String, INDArray> feeds = new LinkedHashMap<>();
    private final Map<String, INDArray> observed = new java.util.HashMap<>();
    private double loss = Double.NaN;

    StepState(SameDiff sd, int epoch, int epochs, int batch, int batches, INDArray features, int[] rows) {
        this.rows = rows.clone();
        this.sd = sd;
        this.epoch = epoch;
        this.epochs = epochs;
        this.batch = batch;
        this.batches = batches;
        this.features = features;
    }

    /** 1-based epoch. */
    public int epoch() {
        return epoch;
    }

    /** Number of epochs of the run. */
    public int epochs() {
        return epochs;
    }

    /** 1-based batch within the epoch. */
    public int batch() {
        return batch;
    }

    /** Number of batches per epoch. */
    public int batches() {
        return batches;
    }

    /**
     * The batch's features {@code [N, ...]} as the student sees them (after augmentation); never mutate. A copy,
     * made at the first call, that stays valid after the step (the loop reuses its batch arrays).
     */
    public INDArray features() {
        if (featuresCopy == null) {
            featuresCopy = features.dup();
        }
        return featuresCopy;
    }

    /**
     * The batch's row ids: {@code rows()[i]} is the index in the training split of the batch's row {@code i}. Without
     * augmentation a row id always stands for the same features, so per-row results can be stored by it
     * ({@link TeacherCache}).
     */
    public int[] rows() {
        return rows.clone();
    }

    /**
     * Feeds placeholder {@code placeholder} of the training graph for this step.
     *
     * @throws IllegalStateException if it is fed twice
     */
    public void feed(String placeholder, INDArray value) {
        if (feeds.putIfAbsent(placeholder, value) != null) {
            throw new IllegalStateException("placeholder '" + placeholder + "' is fed twice in one step");
        }
    }

    /** The placeholders hooks fed for this step (read-only view; features and labels are fed by the run). */
    public Map<String, INDArray> feeds() {
        return Collections.unmodifiableMap(feeds);
    }

    /** The training graph; after the step its variables hold the updated weights. */
    public SameDiff sd() {
        return sd;
    }

    /** The current array of trainable weight {@code name} (updated in place by the optimizer), or null. */
    public INDArray weight(String name) {
        return sd.getArrForVarName(name);
    }

    /**
     * The value this step computed for variable {@code name}, one of the hooks' {@link TrainingHook#observed}
     * names, or null before it is computed.
     */
    public INDArray observed(String name) {
        return observed.get(name);
    }

    void observe(String name, INDArray value) {
        observed.put(name, value);
    }

    /** The batch's mean softmax cross-entropy with the true labels; NaN before the step. */
    public double loss() {
        return loss;
    }

    void loss(double value) {
        loss = value;
    }
}
