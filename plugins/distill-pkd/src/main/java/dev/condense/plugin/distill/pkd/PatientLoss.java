package dev.condense.plugin.distill.pkd;

import dev.condense.api.extension.NoParams;
import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code pkd}, a feature loss of a distill stage's layer map: k student layers learn the normalized
 * representations of k teacher layers ({@link PatientLosses#normalized}); the entry's {@code pick: skip} (PKD-Skip)
 * or {@code pick: last} (PKD-Last) chooses the teacher layers when its pattern matches more than k.
 */
@Extension
public final class PatientLoss implements LossFunction<NoParams> {

    @Override
    public String id() {
        return "pkd";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "Patient KD: squared distance of L2-normalized intermediate representations, k layers (pick skip|last)";
    }

    @Override
    public String citation() {
        return "Sun, Cheng, Gan, Liu. Patient Knowledge Distillation for BERT Model Compression. EMNLP 2019";
    }

    /** @throws IllegalArgumentException when the inputs carry no feature pairs */
    @Override
    public SDVariable loss(LossInputs inputs, NoParams params) {
        return PatientLosses.normalized(inputs.sd(), FeatureKeys.pairs(inputs, id()));
    }
}
