package dev.condense.api.loss;

import dev.condense.api.extension.Extension;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A training or distillation loss built as SameDiff ops, so gradients come from autodiff.
 *
 * <p>Invariant: the returned variable is a scalar (mean over the batch) defined in {@code inputs.sd()}.
 *
 * @param <P> params record (temperature, weights, ...)
 */
public interface LossFunction<P extends Record> extends Extension<P> {

    /**
     * Builds the loss in {@code inputs.sd()}.
     *
     * @param inputs student logits and one-hot labels {@code [N, C]}, teacher logits {@code [N, C]} (null unless
     *               distilling) and named feature taps; add ops to {@code inputs.sd()}, never replace its variables
     * @param params the bound params record
     * @return a scalar variable (rank 0 or shape {@code [1]}): the mean loss over the N rows of the batch, in nats
     *         for cross-entropy-like losses; differentiable with respect to the student's weights
     * @throws IllegalArgumentException when a needed input is missing (e.g. teacher logits for a distillation loss)
     */
    SDVariable loss(LossInputs inputs, P params);

    /**
     * Ranks of the feature tensors ({@link LossInputs#features()}) this loss accepts when a distill stage's layer map
     * feeds it: 2 ({@code [N, D]}) and 4 ({@code [N, C, H, W]}) by default; 3 (token states {@code [N, L, D]}) only
     * when a loss declares it. A layer map pairing tensors of another
     * rank with this loss is a located recipe error at validate time, before any training.
     */
    default java.util.Set<Integer> featureRanks() {
        return java.util.Set.of(2, 4);
    }

    /**
     * True when this loss reads a second task's targets, the rows' rationales, under the keys of
     * {@link RationaleKeys} in {@link LossInputs#features()} (distilling step-by-step). A run then feeds them from the
     * training split's {@link dev.condense.api.data.DataSplit#rationales()}, with the text model's token states and
     * attention mask; a data set without rationales is an error before any training. False by default.
     */
    default boolean rationales() {
        return false;
    }
}
