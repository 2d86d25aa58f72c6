package dev.condense.engine.train;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The classification loss every training and probing graph uses: a one-hot label placeholder {@code [N, C]} and the
 * batch-mean softmax cross-entropy of the graph's logits, set as the SameDiff loss variable.
 */
final class ClassifierLoss {
    static final String LABEL = "condense.label";
    static final String LOSS = "condense.loss";

    private ClassifierLoss() {
    }

    /** Adds the label placeholder and the loss to {@code lowered}'s SameDiff graph. */
    static void attach(LoweredGraph lowered, int numClasses) {
        SameDiff sd = lowered.sd();
        var labels = sd.placeHolder(LABEL, DataType.FLOAT, -1, numClasses);
        sd.loss.softmaxCrossEntropy(LOSS, labels, sd.getVariable(lowered.outputName()), null);
        sd.setLossVariables(LOSS);
    }
}
