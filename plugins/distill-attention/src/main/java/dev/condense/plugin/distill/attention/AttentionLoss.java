package dev.condense.plugin.distill.attention;

import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pf4j.Extension;

/**
 * Recipe id {@code attention}, a feature loss of a distill stage's layer map over rank-4 activations: the
 * student's normalized spatial attention maps match the teacher's ({@link AttentionMaps#transfer}).
 */
@Extension
public final class AttentionLoss implements LossFunction<AttentionParams> {

    @Override
    public String id() {
        return "attention";
    }

    @Override
    public Class<AttentionParams> paramsType() {
        return AttentionParams.class;
    }

    @Override
    public String summary() {
        return "Attention transfer: squared distance of normalized spatial attention maps sum_c |A_c|^p";
    }

    @Override
    public String citation() {
        return "Zagoruyko, Komodakis. Paying More Attention to Attention: Improving the Performance of Convolutional "
                + "Neural Networks via Attention Transfer. ICLR 2017";
    }

    /** Attention maps are spatial: rank 4 only (a layer map pairing rank-2 tensors fails at validate time). */
    @Override
    public java.util.Set<Integer> featureRanks() {
        return java.util.Set.of(4);
    }

    /** @throws IllegalArgumentException when the inputs carry no feature pairs or a feature is not rank 4 */
    @Override
    public SDVariable loss(LossInputs inputs, AttentionParams params) {
        var pairs = FeatureKeys.pairs(inputs, id());
        for (SDVariable[] p : pairs) {
            long[] shape = p[1].getShape();
            if (shape != null && shape.length != 4) {
                throw new IllegalArgumentException("attention transfer needs [N, C, H, W] activations; teacher tensor "
                        + p[1].name() + " has rank " + shape.length);
            }
        }
        return AttentionMaps.transfer(inputs.sd(), pairs, params.p());
    }
}
