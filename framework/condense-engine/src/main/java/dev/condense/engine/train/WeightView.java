package dev.condense.engine.train;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * How a trainable weight enters the forward graph: given the trainable SameDiff variable of initializer
 * {@code weight} (shape as the initializer), returns the variable its consumers read instead, of the same shape.
 * The trainable variable keeps the initializer's name and is what the optimizer updates and the run returns.
 */
@FunctionalInterface
public interface WeightView {
    /** The view that changes nothing: consumers read the trainable variable itself. */
    WeightView IDENTITY = (sd, weight, w) -> w;

    SDVariable view(SameDiff sd, String weight, SDVariable w);

    /** This view, then {@code next} applied to its result. */
    default WeightView then(WeightView next) {
        return (sd, weight, w) -> next.view(sd, weight, view(sd, weight, w));
    }
}
