package dev.condense.plugin.distill.tinybert;

import dev.condense.api.extension.NoParams;
import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code tinybert-hidden}, a feature loss of a distill stage's layer map over token states
 * {@code [N, L, D]}: TinyBERT's hidden-state loss (and, on the embedding layer's output, its embedding loss), the MSE
 * between the (projected, when the widths differ) student states and the teacher's ({@link TinyBertLosses#mse}).
 */
@Extension
public final class TinyBertHiddenLoss implements LossFunction<NoParams> {

    @Override
    public String id() {
        return "tinybert-hidden";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "TinyBERT embedding / hidden-state loss: MSE of (projected) student token states [N, L, D] and the teacher's";
    }

    @Override
    public String citation() {
        return TinyBertLosses.CITATION;
    }

    @Override
    public Set<Integer> featureRanks() {
        return Set.of(3);
    }

    /** @throws IllegalArgumentException when the inputs carry no feature pairs */
    @Override
    public SDVariable loss(LossInputs inputs, NoParams params) {
        return TinyBertLosses.mse(inputs.sd(), FeatureKeys.pairs(inputs, id()));
    }
}
