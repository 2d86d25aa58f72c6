package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs a {@link ModelGraph} forward in SameDiff (inference mode). */
public final class Inference {
    private Inference() {
    }

    /** Output of the graph's single output for {@code input} {@code [N, ...]}: logits {@code [N, C]}. */
    public static INDArray predict(ModelGraph graph, INDArray input) {
        LoweredGraph lowered = SameDiffLowering.lower(graph);
        return lowered.sd().outputSingle(Map.of(lowered.inputName(), input), lowered.outputName());
    }
}
