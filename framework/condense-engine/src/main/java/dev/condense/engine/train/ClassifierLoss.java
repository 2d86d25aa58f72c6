package dev.condense.engine.train;

import dev.condense.api.loss.LossInputs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The classification loss every training and probing graph uses by default: a one-hot label placeholder
 * {@code [N, C]} and the batch-mean softmax cross-entropy of the graph's logits, set as the SameDiff loss variable.
 * A training run may build another loss from the same {@link LossInputs} ({@link Trainer#fit}).
 */
final class ClassifierLoss {
    static final String LABEL = "condense.label";
    static final String LOSS = "condense.loss";

    private ClassifierLoss() {
    }

    /** Adds the label placeholder and the loss to {@code lowered}'s SameDiff graph. */
    static void attach(LoweredGraph lowered, int numClasses) {
        SameDiff sd = lowered.sd();
        SDVariable labels = labels(sd, numClasses);
        sd.loss.softmaxCrossEntropy(LOSS, labels, sd.getVariable(lowered.outputName()), null);
        sd.setLossVariables(LOSS);
    }

    /** Adds the one-hot label placeholder {@code [N, numClasses]}, named {@link #LABEL}. */
    static SDVariable labels(SameDiff sd, int numClasses) {
        return sd.placeHolder(LABEL, DataType.FLOAT, -1, numClasses);
    }

    /** The batch-mean softmax cross-entropy of {@code in}'s logits with its labels, named {@link #LOSS}. */
    static SDVariable crossEntropy(LossInputs in) {
        return in.sd().loss.softmaxCrossEntropy(LOSS, in.labels(), in.logits(), null);
    }
}
