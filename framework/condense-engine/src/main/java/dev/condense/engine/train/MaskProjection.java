package dev.condense.engine.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keeps pruned weights at zero: after every optimizer step each masked weight is multiplied in place by its 0/1
 * mask, so a weight the mask removes is exactly zero after every step of fine-tuning (the update may move it; the
 * projection puts it back before the next forward pass). The weights are expected masked already when training
 * starts, as pruning leaves them.
 */
public final class MaskProjection implements TrainingHook {
    private final Map<String, INDArray> masks;

    /** @param masks 0/1 mask per initializer name, each shaped as its initializer ({@code ModelGraph.masks()}) */
    public MaskProjection(Map<String, INDArray> masks) {
        this.masks = Map.copyOf(masks);
    }

    @Override
    public void afterStep(StepState step) {
        for (var m : masks.entrySet()) {
            INDArray w = step.weight(m.getKey());
            if (w != null) {
                w.muli(m.getValue());
            }
        }
    }
}
