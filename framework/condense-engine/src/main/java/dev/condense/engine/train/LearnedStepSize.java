package dev.condense.engine.train;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.quant.ActivationGrid;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Learned activation ranges for quantization-aware training: Learned Step Size Quantization (Esser et al. 2020,
 * "Learned Step Size Quantization", ICLR). Each calibrated activation's step size {@code s} (the scale of its
 * per-tensor grid) is a trainable scalar variable of the training graph, updated by the run's optimizer with the
 * weights; its starting value is the scale {@link ActivationGrid} derives from the min/max start range.
 *
 * <p>Forward: {@code x_hat = round(clip(x / s, -Q_N, Q_P)) * s}, equal to the export's
 * {@code (clamp(round(x / s) + z, qmin, qmax) - z) * s} with {@code Q_N = z - qmin}, {@code Q_P = qmax - z} (clip
 * and rounding commute for integer bounds; ties round half away from zero here, half to even in the export).
 * Backward (the paper's eq. 3, straight-through rounding): {@code d x_hat / d s = round(x/s) - x/s} inside,
 * {@code -Q_N} below, {@code Q_P} above; {@code d x_hat / d x} is 1 inside and 0 outside. The gradient reaching
 * {@code s} is scaled by {@code g = 1 / sqrt(N_F Q_P)} ({@code N_F} the activation's elements per example), as
 * the paper's section 2.2.
 *
 * <p>Zero point: for unsigned asymmetric activations the zero point {@code z} is kept from the min/max start and
 * only {@code s} is learned (LSQ+, Bhalgat et al. 2020, would also learn an offset): after a Relu the start is
 * {@code [0, max]}, so {@code z = 0} and this is the paper's unsigned LSQ; a signed start keeps its ratio of negative
 * to positive codes. The trained range is {@code [-Q_N s, Q_P s]} (symmetric: {@code Q_N = 2^(bits-1)},
 * {@code Q_P = 2^(bits-1) - 1}, the range given as {@code [-Q_P s, Q_P s]}, which is what {@link ActivationGrid} maps
 * back to scale {@code s}), so the export's grid is the trained one. Steps are kept at least {@code 1e-6} of their
 * start after each update, so a grid never collapses.
 */
final class LearnedStepSize {
    private final Map<String, float[]> steps = new LinkedHashMap<>();   // source -> {s, s0}
    private final Map<String, long[]> bounds = new LinkedHashMap<>();   // source -> {Q_N, Q_P}
    private final Map<String, String> variables = new LinkedHashMap<>(); // source -> SameDiff variable name
    private final boolean symmetric;

    /** @param initial the min/max start range of every calibrated tensor */
    LearnedStepSize(Map<String, ClipRange> initial, int bits, boolean symmetric) {
        this.symmetric = symmetric;
        initial.forEach((source, range) -> {
            AffineQuantization q = ActivationGrid.of(range, bits, symmetric).affine();
            float s = q.scale().getFloat(0);
            long z = q.zeroPoint().getLong(0);
            steps.put(source, new float[] {s, s});
            bounds.put(source, new long[] {z - q.qmin(), q.qmax() - z});
        });
    }

    /** Forgets the variables of an earlier training graph (a new lowering creates its own, from the current steps). */
    void reset() {
        variables.clear();
    }

    /**
     * The fake quantization of {@code x}, an activation that uses the grid of {@code source}, with {@code features}
     * elements per example; creates the source's step-size variable at its first use.
     */
    SDVariable view(SameDiff sd, String source, SDVariable x, long features) {
        String name = variables.computeIfAbsent(source,
                s -> sd.var("condense.lsq." + s + ".step", Nd4j.scalar(steps.get(s)[0])).name());
        long[] q = bounds.get(source);
        double g = 1 / Math.sqrt((double) features * Math.max(1, q[1]));
        return quantize(sd, x, sd.getVariable(name), q[0], q[1], g);
    }

    /**
     * LSQ's fake quantization {@code round(clip(x / s, -qn, qp)) * s} of {@code x} with step-size variable {@code s}
     * (a scalar), straight-through rounding, the gradient into {@code s} scaled by {@code g}; forward values exact
     * (each straight-through term is {@code v - v = 0}). {@code x / s} is computed as {@code x * (1 / s)}: in ND4J
     * 1.0.0-M2.1 the backward pass of a division by a broadcast scalar variable returns {@code N} times the gradient
     * of the divisor ({@code N} the elements of {@code x}; {@code LearnedStepSizeTest} would catch it), while
     * multiplication's is right. The reciprocal can move {@code x / s} by one float32 rounding.
     */
    static SDVariable quantize(SameDiff sd, SDVariable x, SDVariable s, long qn, long qp, double g) {
        SDVariable sg = s.mul(g);
        SDVariable step = stop(sd, s).add(sg.sub(stop(sd, sg)));        // value s, gradient g
        SDVariable c = sd.math.clipByValue(x.mul(step.rdiv(1)), -qn, qp);   // not x.div(step): see above
        SDVariable rounded = stop(sd, sd.math.round(c)).add(c.sub(stop(sd, c)));
        return rounded.mul(step);
    }

    /** Reads the updated step sizes after an optimizer step, raising any below {@code 1e-6} of its start. */
    void read(StepState step) {
        variables.forEach((source, name) -> {
            float[] s = steps.get(source);
            var arr = step.weight(name);
            float v = arr.getFloat(0);
            float floor = s[1] * 1e-6f;
            if (!(v >= floor)) {
                arr.assign(floor);
                v = floor;
            }
            s[0] = v;
        });
    }

    /** The current range of every calibrated tensor: {@code [-Q_N s, Q_P s]} ({@code [-Q_P s, Q_P s]} symmetric). */
    Map<String, ClipRange> ranges() {
        Map<String, ClipRange> out = new LinkedHashMap<>();
        steps.forEach((source, s) -> {
            long[] q = bounds.get(source);
            double lo = symmetric ? -q[1] * (double) s[0] : -q[0] * (double) s[0];
            out.put(source, new ClipRange(lo, q[1] * (double) s[0]));
        });
        return out;
    }

    private static SDVariable stop(SameDiff sd, SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }
}
