package dev.condense.api.prune;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.stage.StageContext;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an {@link ImportanceScorer} scores.
 *
 * @param layer       the initializer name of the weight, e.g. {@code fc1.weight}
 * @param weight      the weight in ONNX layout (Gemm {@code [out, in]}, Conv {@code [outC, inC/g, kH, kW]}); read-only
 * @param granularity the unit being scored
 * @param graph       the whole graph, for scorers that need data (gradients, activations); the kernel always passes
 *                    it, but a unit test of a data-free scorer may pass null, so a scorer that needs it refuses null
 *                    with an {@link IllegalStateException} naming the layer
 * @param context     the stage context (seed, data set); never null. Outside a run (unit tests, contract checks) pass
 *                    a context with no data set, e.g. the testkit's {@code PlantedStageContext}
 */
public record ScoringRequest(String layer, INDArray weight, Granularity granularity, ModelGraph graph, StageContext context) {

    public ScoringRequest {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(context, "context");
    }
}
