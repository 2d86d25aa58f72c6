package dev.condense.plugin.distill.softlabel;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code logit-regression}: the student regresses the teacher's logits (Ba and Caruana 2014), the
 * high-temperature limit of Hinton et al.'s (2015) soft targets. See {@link SoftLabelLosses#logitRegression}.
 */
@Extension
public final class LogitRegressionLoss implements LossFunction<LogitRegressionParams> {

    @Override
    public String id() {
        return "logit-regression";
    }

    @Override
    public Class<LogitRegressionParams> paramsType() {
        return LogitRegressionParams.class;
    }

    @Override
    public String summary() {
        return "Logit regression: squared error to the teacher's logits, mixed with the true labels";
    }

    @Override
    public String citation() {
        return "Ba, Caruana. Do Deep Nets Really Need to be Deep? NIPS 2014";
    }

    /** @throws IllegalArgumentException when the inputs carry no teacher logits */
    @Override
    public SDVariable loss(LossInputs inputs, LogitRegressionParams params) {
        if (inputs.teacherLogits() == null) {
            throw new IllegalArgumentException("logit-regression distillation needs teacher logits: use it in a "
                    + "distill stage");
        }
        return SoftLabelLosses.logitRegression(inputs.sd(), inputs.logits(), inputs.labels(), inputs.teacherLogits(),
                params.alpha());
    }
}
