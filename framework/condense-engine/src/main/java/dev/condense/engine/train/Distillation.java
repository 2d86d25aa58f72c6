package dev.condense.engine.train;

import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import java.util.Objects;
import java.util.function.Function;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * What turns training into distillation: a trained teacher whose logits are fed with every batch, and the loss
 * built from the student's logits, the labels and those teacher logits.
 *
 * @param teacher a classifier with the student's input shape and number of classes, run in inference mode
 *                (running batch-norm statistics, no dropout) on exactly the rows the student sees, after
 *                augmentation
 * @param loss    builds the scalar loss (mean over the batch) in {@code inputs.sd()}; {@code inputs.teacherLogits()}
 *                is the teacher's {@code [N, C]} logits placeholder
 */
public record Distillation(ModelGraph teacher, Function<LossInputs, SDVariable> loss) {

    public Distillation {
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(loss, "loss");
    }
}
