package dev.condense.plugin.distill.stepbystep;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.loss.RationaleKeys;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code step-by-step}, the loss of a {@code train} stage: distilling step-by-step (Hsieh et al., ACL
 * Findings 2023) with human rationales. Multi-task: the student predicts the label (softmax cross-entropy with the
 * true labels) and, as a second task, generates the row's rationale with a small decoder head over its encoder's
 * token states, teacher-forced ({@link RationaleDecoder}); loss = alpha * label loss + (1 - alpha) * rationale loss
 * (nats per rationale piece); {@code tie: true} shares the student's token embeddings with the head, {@code copy: true}
 * lets it copy pieces of the input pair (a pointer-generator). The head
 * exists only in the training graph and is not exported. alpha 1 builds no head: it is plain training on the labels.
 */
@Extension
public final class StepByStepLoss implements LossFunction<StepByStepParams> {
    static final String CITATION = "Hsieh, Li, Yeh, Nakhost, Fujii, Ratner, Krishna, Lee, Pfister: Distilling"
            + " Step-by-Step! Outperforming Larger Language Models with Less Training Data and Smaller Model Sizes."
            + " Findings of ACL 2023";

    @Override
    public String id() {
        return "step-by-step";
    }

    @Override
    public Class<StepByStepParams> paramsType() {
        return StepByStepParams.class;
    }

    @Override
    public String summary() {
        return "distilling step-by-step: alpha * label cross-entropy + (1 - alpha) * rationale generation by a"
                + " training-only decoder head over the student's token states";
    }

    @Override
    public String citation() {
        return CITATION;
    }

    @Override
    public boolean rationales() {
        return true;
    }

    /** @throws IllegalArgumentException when alpha is below 1 and the inputs carry no rationales */
    @Override
    public SDVariable loss(LossInputs inputs, StepByStepParams p) {
        SDVariable labels = inputs.sd().loss.softmaxCrossEntropy(inputs.labels(), inputs.logits(), null);
        if (p.alpha() == 1.0) {
            return labels;
        }
        RationaleDecoder.Student student = new RationaleDecoder.Student(
                RationaleKeys.get(inputs, RationaleKeys.STATES, id()),
                RationaleKeys.get(inputs, RationaleKeys.WIDTH, id()).getArr().getLong(0),
                RationaleKeys.get(inputs, RationaleKeys.MASK, id()),
                p.tie() ? required(inputs, RationaleKeys.EMBEDDINGS, "tie: true reads the student's token-embedding"
                        + " table, and this model has none (a Gather on axis 0 of a [V, D] weight feeding the encoder)")
                        : null,
                p.copy() ? required(inputs, RationaleKeys.TOKENS, "copy: true reads the pair's word-piece ids, and"
                        + " this model has no input_ids input") : null);
        SDVariable rationale = RationaleDecoder.loss(inputs.sd(), student,
                RationaleKeys.get(inputs, RationaleKeys.IDS, id()),
                RationaleKeys.get(inputs, RationaleKeys.COUNTS, id()).getArr(), p);
        return labels.mul(p.alpha()).add(rationale.mul(1 - p.alpha()));
    }

    private SDVariable required(LossInputs inputs, String key, String missing) {
        SDVariable v = inputs.features().get(key);
        if (v == null) {
            throw new IllegalArgumentException(id() + " with " + missing);
        }
        return v;
    }
}
