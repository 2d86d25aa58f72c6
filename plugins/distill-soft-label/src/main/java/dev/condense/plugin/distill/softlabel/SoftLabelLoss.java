package dev.condense.plugin.distill.softlabel;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code soft-label}: Hinton's distillation loss, the teacher's temperature-softened probabilities as
 * targets mixed with the true labels. See {@link SoftLabelLosses#hinton}.
 */
@Extension
public final class SoftLabelLoss implements LossFunction<SoftLabelParams> {

    @Override
    public String id() {
        return "soft-label";
    }

    @Override
    public Class<SoftLabelParams> paramsType() {
        return SoftLabelParams.class;
    }

    @Override
    public String summary() {
        return "Soft-label distillation: match the teacher's softmax at temperature T, mixed with the true labels";
    }

    @Override
    public String citation() {
        return "Hinton, Vinyals, Dean. Distilling the Knowledge in a Neural Network. NIPS Deep Learning Workshop 2015";
    }

    /** @throws IllegalArgumentException when the inputs carry no teacher logits */
    @Override
    public SDVariable loss(LossInputs inputs, SoftLabelParams params) {
        if (inputs.teacherLogits() == null) {
            throw new IllegalArgumentException("soft-label distillation needs teacher logits: use it in a distill stage");
        }
        return SoftLabelLosses.hinton(inputs.sd(), inputs.logits(), inputs.labels(), inputs.teacherLogits(),
                params.temperature(), params.alpha());
    }
}
