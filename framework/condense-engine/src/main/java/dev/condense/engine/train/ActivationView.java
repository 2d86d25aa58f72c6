package dev.condense.engine.train;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * How an activation enters the graph's later nodes during training: given the SameDiff variable of tensor
 * {@code tensor} (a graph input or a node output, named after the tensor), returns the variable that the nodes
 * reading the tensor read instead, of the same shape (binary activations with a straight-through estimator, fake
 * quantization of activations). The tensor's own variable keeps its name and value: feature taps and the graph
 * output read it, not the view.
 */
@FunctionalInterface
public interface ActivationView {
    /** The view that changes nothing. */
    ActivationView IDENTITY = (sd, tensor, x) -> x;

    SDVariable view(SameDiff sd, String tensor, SDVariable x);

    /** This view, then {@code next} applied to its result. */
    default ActivationView then(ActivationView next) {
        return (sd, tensor, x) -> next.view(sd, tensor, view(sd, tensor, x));
    }
}
