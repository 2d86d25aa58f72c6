package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a distillation teacher on each training batch: the graph is lowered once, in inference mode, and every call
 * is one forward pass of the batch's features {@code [N, ...]} to logits {@code [N, C]}.
 */
final class TeacherFeed {
    private final SameDiff sd;
    private final String input;
    private final String output;

    TeacherFeed(ModelGraph teacher) {
        LoweredGraph lowered = SameDiffLowering.lower(teacher);
        this.sd = lowered.sd();
        this.input = lowered.inputName();
        this.output = lowered.outputName();
    }

    /** The teacher's logits {@code [N, C]} for {@code features}; a new array per call. */
    INDArray logits(INDArray features) {
        return sd.outputSingle(Map.of(input, features), output);
    }
}
