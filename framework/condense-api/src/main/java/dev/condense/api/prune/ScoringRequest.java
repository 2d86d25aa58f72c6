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
 * @param graph       the whole graph, for scorers that need data (gradients, activations)
 * @param context     the stage context (data set, seed); never null
 */
public record ScoringRequest(String layer, INDArray weight, Granularity granularity, ModelGraph graph, StageContext context) {

    public ScoringRequest {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(granularity, "granularity");
    }
}
