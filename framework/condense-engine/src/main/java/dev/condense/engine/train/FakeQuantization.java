package dev.condense.engine.train;

import dev.condense.api.model.AffineQuantization;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Quantization-aware training with a straight-through estimator: the forward pass reads each named weight through
 * its {@link AffineQuantization} (the annotation the exporter materializes), {@code q(w) = project(w)}, while the gradient reaches the float weight {@code w} as if {@code q} were
 * the identity, and the optimizer moves {@code w}. Built as {@code stopGradient(q(w)) + (w - stopGradient(w))}:
 * the gradient of {@code w + stopGradient(q(w) - w)}, but a forward value of exactly {@code q(w)} (the second term
 * is {@code w - w = 0} in floating point, where {@code w + (q - w)} can be one rounding away from {@code q}). The
 * trained graph keeps the float weights (the IR stays float); the quantization is applied where they are exported.
 * The quantization's parameters (scale, zero point, axis, bits) are the export's; the rounding differs only at exact
 * ties (see {@link #projected}) and within one float32 rounding of them (the division is float32 here, float64 in
 * {@link AffineQuantization#quantize}).
 */
public final class FakeQuantization implements TrainingHook {
    private final Map<String, AffineQuantization> grids;

    /** @param grids quantization per trainable initializer name */
    public FakeQuantization(Map<String, AffineQuantization> grids) {
        this.grids = new LinkedHashMap<>(grids);
    }

    /** @throws IllegalArgumentException if a named weight is not a trainable weight of the graph */
    @Override
    public void lower(Lowering lowering) {
        grids.forEach((name, grid) -> lowering.view(name, (sd, weight, w) ->
                straightThrough(sd, w, projected(sd, w, grid, lowering.graph().initializers().get(weight).rank()))));
    }

    /**
     * {@code (clip(round(w / s) + z, qmin, qmax) - z) * s} in SameDiff for a weight variable of rank {@code rank}:
     * {@link AffineQuantization#project} as a graph, except at exact ties: SameDiff's Rint (half to even) has no
     * gradient function in ND4J 1.0.0-M2.1 and fails the backward pass even behind a stopGradient, so this rounds
     * half away from zero ({@code round}, whose gradient is zero). A weight exactly between two levels may therefore
     * train on the level above the one the export writes.
     */
    static SDVariable projected(SameDiff sd, SDVariable w, AffineQuantization q, int rank) {
        SDVariable s = sd.constant(q.scaleFor(rank));
        SDVariable z = sd.constant(q.zeroPointFor(rank));
        SDVariable rounded = sd.math.round(w.div(s)).add(z);
        return sd.math.clipByValue(rounded, q.qmin(), q.qmax()).sub(z).mul(s);
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
