package dev.condense.plugin.distill.fitnet;

import dev.condense.api.extension.NoParams;
import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code fitnet}, a feature loss of a distill stage's layer map: the student's intermediate features
 * regress the teacher's hints ({@link HintLosses#regression}). The paper's two stages are two distill stages: first
 * {@code logits-weight: 0} with this loss on the guided layer (hint training of the lower layers), then a plain
 * soft-label distill stage.
 */
@Extension
public final class HintLoss implements LossFunction<NoParams> {

    @Override
    public String id() {
        return "fitnet";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "FitNets hints: half the mean squared error between (projected) student features and teacher hints";
    }

    @Override
    public String citation() {
        return "Romero, Ballas, Kahou, Chassang, Gatta, Bengio. FitNets: Hints for Thin Deep Nets. ICLR 2015";
    }

    /** @throws IllegalArgumentException when the inputs carry no feature pairs */
    @Override
    public SDVariable loss(LossInputs inputs, NoParams params) {
        return HintLosses.regression(inputs.sd(), FeatureKeys.pairs(inputs, id()));
    }
}
