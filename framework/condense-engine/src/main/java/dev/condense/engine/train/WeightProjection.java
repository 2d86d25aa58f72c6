package dev.condense.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Projects weights onto a set after every optimizer step: each named trainable weight goes through its
 * {@link Projector}, in place (k-means weight sharing: every weight snapped to its nearest centroid; a clamp; a
 * norm ball). Projections of different weights run in the order given.
 */
public final class WeightProjection implements TrainingHook {
    private final Map<String, Projector> projectors;

    /** An in-place projection of one weight array (shape as its initializer). */
    @FunctionalInterface
    public interface Projector {
        void project(INDArray weight);
    }

    /** @param projectors projection per trainable initializer name */
    public WeightProjection(Map<String, Projector> projectors) {
        this.projectors = new LinkedHashMap<>(projectors);
    }

    /** @throws IllegalArgumentException if a named weight is not a trainable weight of the graph */
    @Override
    public void lower(Lowering lowering) {
        for (String w : projectors.keySet()) {
            if (!lowering.trainable().contains(w)) {
                throw new IllegalArgumentException("cannot project '" + w + "': not a trainable weight of graph '"
                        + lowering.graph().name() + "'");
            }
        }
    }

    @Override
    public void afterStep(StepState step) {
        projectors.forEach((name, p) -> p.project(step.weight(name)));
    }
}
