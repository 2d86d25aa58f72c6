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

    SDVariable loss(LossInputs inputs, P params);
}
