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
 * @param bnStats    running-statistics updates of a training graph's BatchNormalization nodes (empty at inference)
 */
public record LoweredGraph(SameDiff sd, String inputName, String outputName, List<String> trainable,
                           List<BatchNormStats> bnStats) {

    public LoweredGraph {
        trainable = List.copyOf(trainable);
        bnStats = List.copyOf(bnStats);
    }

    /** An inference graph (no running statistics to update). */
    public LoweredGraph(SameDiff sd, String inputName, String outputName, List<String> trainable) {
        this(sd, inputName, outputName, trainable, List.of());
    }
}
