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

    /**
     * The fake quantization of a weight on the grid of its own current values (recomputed at every step, as
     * quantization-aware training of Jacob et al. 2018, "Quantization and Training of Neural Networks for Efficient
     * Integer-Arithmetic-Only Inference", section 3): the {@link dev.condense.api.quant.AffineWeightGrid} computation
     * as SameDiff ops on {@code w} (rank {@code rank}), per index of {@code axis} or per tensor
     * ({@link AffineQuantization#PER_TENSOR}), so the forward value is what the export writes for the trained weight
     * up to float32 rounding of the scale (the export computes it in float64) and ties (see {@link #projected}). The
     * grid covers the weight's range, so nothing is clipped: the gradient reaches {@code w} unchanged.
     *
     * @param bits 2 to 8, the width after any reduce-range cap
     */
    static SDVariable weight(SameDiff sd, SDVariable w, int rank, int axis, int bits, boolean symmetric) {
        int[] dims = java.util.stream.IntStream.range(0, rank).filter(d -> d != axis).toArray();
        SDVariable fq;
        if (symmetric) {
            long qmax = (1L << (bits - 1)) - 1;
            SDVariable scale = sd.math.abs(w).max(true, dims).div(qmax).add(Float.MIN_NORMAL);
            fq = sd.math.clipByValue(sd.math.round(w.div(scale)), -qmax - 1, qmax).mul(scale);
        } else {
            SDVariable lo = sd.nn.relu(w.min(true, dims).neg(), 0).neg();
            SDVariable hi = sd.nn.relu(w.max(true, dims), 0);
            fq = affine(sd, w, lo, hi, bits)[0];
        }
        return straightThrough(sd, w, fq);
    }

    /**
     * The fake quantization of an activation {@code x} on the per-tensor grid of range {@code [lo, hi]} (scalars;
     * widened to contain 0), as {@code engine.quant.ActivationGrid} computes it for the export: unsigned
     * asymmetric ({@code scale = (hi - lo) / (2^bits - 1)}, zero point {@code round(-lo / scale)}) or signed
     * symmetric ({@code scale = max(-lo, hi) / (2^(bits-1) - 1)}, zero point 0). Backward: the clipped
     * straight-through estimator, the gradient passed where {@code x} lies inside the representable range
     * {@code [(qmin - z) s, (qmax - z) s]} and zero outside (where the forward value is clipped and so constant).
     */
    static SDVariable activation(SameDiff sd, SDVariable x, SDVariable lo, SDVariable hi, int bits, boolean symmetric) {
        SDVariable lo0 = sd.nn.relu(lo.neg(), 0).neg();
        SDVariable hi0 = sd.nn.relu(hi, 0);
        SDVariable[] qr;
        if (symmetric) {
            long qmax = (1L << (bits - 1)) - 1;
            SDVariable a = lo0.neg();
            SDVariable m = a.add(hi0).add(sd.math.abs(a.sub(hi0))).div(2);   // max(-lo, hi)
            SDVariable scale = m.div(qmax).add(Float.MIN_NORMAL);
            SDVariable q = sd.math.clipByValue(sd.math.round(x.div(scale)), -qmax - 1, qmax).mul(scale);
            qr = new SDVariable[] {q, scale.mul(-qmax - 1), scale.mul(qmax)};
        } else {
            qr = affine(sd, x, lo0, hi0, bits);
        }
        SDVariable inside = x.gte(stop(sd, qr[1])).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .mul(x.lte(stop(sd, qr[2])).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        SDVariable passed = x.sub(stop(sd, x)).mul(stop(sd, inside));
        return stop(sd, qr[0]).add(passed);
    }

    /**
     * Unsigned asymmetric fake quantization of {@code x} on {@code [lo, hi]} ({@code lo <= 0 <= hi}, broadcastable):
     * {@code {q, low, high}}, the projected values and the ends of the representable range.
     */
    private static SDVariable[] affine(SameDiff sd, SDVariable x, SDVariable lo, SDVariable hi, int bits) {
        long qmax = (1L << bits) - 1;
        SDVariable scale = hi.sub(lo).div(qmax).add(Float.MIN_NORMAL);
        SDVariable z = sd.math.clipByValue(sd.math.round(lo.neg().div(scale)), 0, qmax);
        SDVariable code = sd.math.clipByValue(sd.math.round(x.div(scale)).add(z), 0, qmax);
        return new SDVariable[] {code.sub(z).mul(scale), z.neg().mul(scale), z.rsub(qmax).mul(scale)};
    }

    private static SDVariable stop(SameDiff sd, SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }
}
