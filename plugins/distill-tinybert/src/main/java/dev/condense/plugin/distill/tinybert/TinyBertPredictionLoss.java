package dev.condense.plugin.distill.tinybert;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code tinybert-prediction}, a distill stage's logits loss: TinyBERT's prediction-layer loss, the soft
 * cross-entropy of the student's logits against the teacher's at temperature t ({@link TinyBertLosses#softCrossEntropy};
 * no hard-label term and no t^2 factor, as in the paper's eq. 10).
 */
@Extension
public final class TinyBertPredictionLoss implements LossFunction<TinyBertPredictionParams> {

    @Override
    public String id() {
        return "tinybert-prediction";
    }

    @Override
    public Class<TinyBertPredictionParams> paramsType() {
        return TinyBertPredictionParams.class;
    }

    @Override
    public String summary() {
        return "TinyBERT prediction-layer loss: soft cross-entropy of student logits against the teacher's at temperature t";
    }

    @Override
    public String citation() {
        return TinyBertLosses.CITATION;
    }

    /** @throws IllegalArgumentException when the inputs carry no teacher logits */
    @Override
    public SDVariable loss(LossInputs inputs, TinyBertPredictionParams params) {
        if (inputs.teacherLogits() == null) {
            throw new IllegalArgumentException("tinybert-prediction needs teacher logits: use it in a distill stage");
        }
        return TinyBertLosses.softCrossEntropy(inputs.sd(), inputs.logits(), inputs.teacherLogits(),
                params.temperature());
    }
}
