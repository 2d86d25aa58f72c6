package dev.condense.engine.train;

import java.util.List;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A {@link dev.condense.api.model.ModelGraph} lowered to SameDiff.
 *
 * @param sd         the SameDiff graph
 * @param inputName  placeholder name of the (single) graph input
 * @param outputName variable name of the (single) graph output, the logits {@code [N, C]}
 * @param trainable  names of initializers lowered as trainable variables; all other initializers are constants
 */
public record LoweredGraph(SameDiff sd, String inputName, String outputName, List<String> trainable) {

    public LoweredGraph {
        trainable = List.copyOf(trainable);
    }
}
