package dev.condense.engine.train;

import dev.condense.api.loss.LossInputs;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The classification loss every training and probing graph uses: a one-hot label placeholder {@code [N, C]} and the
 * batch-mean softmax cross-entropy of the graph's logits, set as the SameDiff loss variable. Distillation replaces
 * the cross-entropy by its own loss, built from the logits, the labels and a teacher-logits placeholder.
 */
final class ClassifierLoss {
    static final String LABEL = "condense.label";
    static final String LOSS = "condense.loss";
    static final String TEACHER = "condense.teacher";

    private ClassifierLoss() {
    }

    /** Adds the label placeholder and the loss to {@code lowered}'s SameDiff graph. */
    static void attach(LoweredGraph lowered, int numClasses) {
        SameDiff sd = lowered.sd();
        var labels = sd.placeHolder(LABEL, DataType.FLOAT, -1, numClasses);
        sd.loss.softmaxCrossEntropy(LOSS, labels, sd.getVariable(lowered.outputName()), null);
        sd.setLossVariables(LOSS);
    }

    /**
     * Adds the label and teacher-logits placeholders (both {@code [N, C]}) and {@code distillation}'s loss, which
     * must be a scalar (the testkit's {@code LossFunctionContract} checks every loss plugin for that).
     */
    static void attach(LoweredGraph lowered, int numClasses, Distillation distillation) {
        SameDiff sd = lowered.sd();
        var labels = sd.placeHolder(LABEL, DataType.FLOAT, -1, numClasses);
        var teacher = sd.placeHolder(TEACHER, DataType.FLOAT, -1, numClasses);
        SDVariable loss = distillation.loss().apply(new LossInputs(sd, sd.getVariable(lowered.outputName()), labels,
                teacher, Map.of()));
        sd.setLossVariables(loss.name());
    }
}
