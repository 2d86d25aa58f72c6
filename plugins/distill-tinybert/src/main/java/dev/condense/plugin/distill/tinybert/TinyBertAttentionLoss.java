package dev.condense.plugin.distill.tinybert;

import dev.condense.api.extension.NoParams;
import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code tinybert-attention}, a feature loss of a distill stage's layer map over attention scores
 * {@code [N, h, L, L]}: TinyBERT's attention loss, the MSE between student and teacher scores (eq. 7: the paper
 * takes the unnormalized scores, before softmax, e.g. {@code /encoder/layer.k/attention/self/Div_output_0} of a
 * PyTorch BERT export). Heads must match: map the pair with {@code project: false} (a projection would mix heads).
 */
@Extension
public final class TinyBertAttentionLoss implements LossFunction<NoParams> {

    @Override
    public String id() {
        return "tinybert-attention";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "TinyBERT attention loss: MSE of student and teacher attention scores [N, heads, L, L] (before softmax)";
    }

    @Override
    public String citation() {
        return TinyBertLosses.CITATION;
    }

    @Override
    public Set<Integer> featureRanks() {
        return Set.of(4);
    }

    /** @throws IllegalArgumentException when the inputs carry no feature pairs */
    @Override
    public SDVariable loss(LossInputs inputs, NoParams params) {
        return TinyBertLosses.mse(inputs.sd(), FeatureKeys.pairs(inputs, id()));
    }
}
