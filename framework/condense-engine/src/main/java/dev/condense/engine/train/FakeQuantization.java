package dev.condense.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Quantization-aware training with a straight-through estimator: the forward pass reads each named weight through
 * its {@link AffineGrid}, {@code q(w)}, while the gradient reaches the float weight {@code w} as if {@code q} were
 * the identity, and the optimizer moves {@code w}. Built as {@code stopGradient(q(w)) + (w - stopGradient(w))}:
 * the gradient of {@code w + stopGradient(q(w) - w)}, but a forward value of exactly {@code q(w)} (the second term
 * is {@code w - w = 0} in floating point, where {@code w + (q - w)} can be one rounding away from {@code q}). The
 * trained graph keeps the float weights (the IR stays float); the grid is applied where they are exported.
 */
public final class FakeQuantization implements TrainingHook {
    private final Map<String, AffineGrid> grids;

    /** @param grids grid per trainable initializer name */
    public FakeQuantization(Map<String, AffineGrid> grids) {
        this.grids = new LinkedHashMap<>(grids);
    }

    /** @throws IllegalArgumentException if a named weight is not a trainable weight of the graph */
    @Override
    public void lower(Lowering lowering) {
        grids.forEach((name, grid) -> lowering.view(name, (sd, weight, w) ->
                straightThrough(sd, w, grid.quantize(sd, w, lowering.graph().initializers().get(weight).rank()))));
    }

    /** Forward {@code q}, gradient to {@code w} unchanged. */
    static SDVariable straightThrough(SameDiff sd, SDVariable w, SDVariable q) {
        SDVariable zero = w.sub(stop(sd, w));
        return stop(sd, q).add(zero);
    }

    private static SDVariable stop(SameDiff sd, SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }
}
