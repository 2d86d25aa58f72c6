package dev.condense.engine.quant;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.quant.Calibrator.ClipRange;

/**
 * The per-tensor affine grid of an activation from its clipping range, as ONNX Runtime's quantizer computes it.
 * Asymmetric: unsigned {@code bits}, {@code scale = (max - min) / (2^bits - 1)}, zero point
 * {@code clamp(round(-min / scale), 0, 2^bits - 1)}, so a range {@code [0, max]} (after Relu) has zero point 0.
 * Symmetric: signed {@code bits}, zero point 0, {@code scale = max / (2^(bits-1) - 1)}.
 */
public final class ActivationGrid {

    private ActivationGrid() {
    }

    /**
     * @param range     the calibrated range, {@code min <= 0 <= max}
     * @param bits      2 to 8
     * @param symmetric signed with zero point 0 when true, unsigned asymmetric otherwise
     */
    public static ActivationQuantization of(ClipRange range, int bits, boolean symmetric) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("activation bits must be in [2, 8], was " + bits);
        }
        if (symmetric) {
            double m = Math.max(-range.min(), range.max());
            float scale = (float) (m / ((1 << (bits - 1)) - 1));
            return ActivationQuantization.calibrated(AffineQuantization.perTensor(scale, 0, bits, true));
        }
        long qmax = (1L << bits) - 1;
        float scale = (float) ((range.max() - range.min()) / qmax);
        long zp = Math.max(0, Math.min(qmax, Math.round(-range.min() / scale)));
        return ActivationQuantization.calibrated(AffineQuantization.perTensor(scale, zp, bits, false));
    }
}
