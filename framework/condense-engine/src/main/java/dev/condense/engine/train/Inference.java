package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs a {@link ModelGraph} forward in SameDiff (inference mode: running BN statistics, no dropout). */
public final class Inference {
    private Inference() {
    }

    /** Output of the graph's single output for {@code input} {@code [N, ...]}: logits {@code [N, C]}. */
    public static INDArray predict(ModelGraph graph, INDArray input) {
        LoweredGraph lowered = SameDiffLowering.lower(graph);
        return lowered.sd().outputSingle(Map.of(lowered.inputName(), input), lowered.outputName());
    }

    /** All graph outputs, by name, for graph inputs fed by name (any number of inputs and outputs). */
    public static Map<String, INDArray> run(ModelGraph graph, Map<String, INDArray> inputs) {
        LowerContext c = SameDiffLowering.build(graph, false);
        String[] outs = graph.outputs().stream().map(ValueInfo::name).toArray(String[]::new);
        return c.sd().output(inputs, outs);
    }
}
