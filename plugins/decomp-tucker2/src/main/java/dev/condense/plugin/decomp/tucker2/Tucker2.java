package dev.condense.plugin.decomp.tucker2;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tucker-2 decomposition of a convolution kernel along its two channel modes, as in Kim, Park, Yoo, Choi, Yang and
 * Shin, "Compression of Deep Convolutional Neural Networks for Fast and Low Power Mobile Applications", ICLR 2016:
 * {@code W[o, i, y, x] ~ sum_{a, b} U_out[o, a] G[a, b, y, x] U_in[i, b]} with orthonormal {@code U_in [I, r1]} and
 * {@code U_out [O, r2]} and the core {@code G [r2, r1, kH, kW]}; the spatial modes are not decomposed.
 *
 * <p>Initialized by the truncated HOSVD (the leading left singular vectors of the mode-0 unfolding
 * {@code [O, I kH kW]} and the mode-1 unfolding {@code [I, O kH kW]}), then refined by HOOI (higher-order orthogonal
 * iteration; De Lathauwer, De Moor and Vandewalle, SIAM J. Matrix Anal. Appl. 21(4), 2000): each sweep projects the
 * kernel on one factor and takes the leading subspace of the other mode's unfolding of the projection. Every step is
 * a reshape/permute, a gemm or a symmetric eigendecomposition ({@link LeadingSubspace}); no loop over elements.
 * Each sweep does not increase the error {@code ||W - W_hat||_F}, which equals {@code sqrt(||W||^2 - ||G||^2)}.
 */
final class Tucker2 {
    private Tucker2() {
    }

    /**
     * A Tucker-2 decomposition.
     *
     * @param uIn    float32 {@code [I, r1]}, orthonormal columns
     * @param core   float32 {@code [r2, r1, kH, kW]}
     * @param uOut   float32 {@code [O, r2]}, orthonormal columns
     * @param sweeps HOOI sweeps run (0 for the HOSVD alone)
     */
    record Result(INDArray uIn, INDArray core, INDArray uOut, int sweeps) {
    }

    /** The mode-0 (output channel) unfolding {@code [O, I kH kW]} of a c-ordered kernel. */
    static INDArray unfoldOut(INDArray w) {
        return w.reshape('c', w.size(0), w.length() / w.size(0));
    }

    /** The mode-1 (input channel) unfolding {@code [I, O kH kW]}. */
    static INDArray unfoldIn(INDArray w) {
        return w.permute(1, 0, 2, 3).dup('c').reshape('c', w.size(1), w.length() / w.size(1));
    }

    /** {@code W x_1 U_in^T} unfolded along the output mode: {@code [O, r1 kH kW]}. */
    static INDArray projectIn(INDArray w, INDArray uIn) {
        long o = w.size(0);
        long kk = w.size(2) * w.size(3);
        long r1 = uIn.size(1);
        INDArray t = uIn.transpose().mmul(unfoldIn(w)); // [r1, O kk]
        return t.reshape('c', r1, o, kk).permute(1, 0, 2).dup('c').reshape('c', o, r1 * kk);
    }

    /** {@code W x_0 U_out^T} unfolded along the input mode: {@code [I, r2 kH kW]}. */
    static INDArray projectOut(INDArray w, INDArray uOut) {
        long i = w.size(1);
        long kk = w.size(2) * w.size(3);
        long r2 = uOut.size(1);
        INDArray t = uOut.transpose().mmul(unfoldOut(w)); // [r2, I kk]
        return t.reshape('c', r2, i, kk).permute(1, 0, 2).dup('c').reshape('c', i, r2 * kk);
    }

    /**
     * Decomposes {@code w} at ranks (r1, r2); never mutates w.
     *
     * @param w         a kernel {@code [O, I, kH, kW]}
     * @param r1        input-channel rank, in {@code [1, I]}
     * @param r2        output-channel rank, in {@code [1, O]}
     * @param maxSweeps HOOI sweeps at most (0: HOSVD only)
     * @param tolerance stop when a sweep changes {@code ||G||_F} by at most this share of it
     */
    static Result decompose(INDArray w, int r1, int r2, int maxSweeps, double tolerance) {
        INDArray k = w.castTo(DataType.FLOAT).dup('c');
        INDArray uIn = LeadingSubspace.of(unfoldIn(k), r1).vectors();
        INDArray uOut = LeadingSubspace.of(unfoldOut(k), r2).vectors();
        double previous = coreNorm(k, uIn, uOut);
        int sweeps = 0;
        while (sweeps < maxSweeps) {
            uOut = LeadingSubspace.of(projectIn(k, uIn), r2).vectors();
            INDArray projected = projectOut(k, uOut);
            uIn = LeadingSubspace.of(projected, r1).vectors();
            sweeps++;
            double norm = uIn.transpose().mmul(projected).norm2Number().doubleValue();
            boolean settled = Math.abs(norm - previous) <= tolerance * Math.max(norm, Double.MIN_NORMAL);
            previous = norm;
            if (settled) {
                break;
            }
        }
        return new Result(uIn, core(k, uIn, uOut), uOut, sweeps);
    }

    private static double coreNorm(INDArray w, INDArray uIn, INDArray uOut) {
        return uIn.transpose().mmul(projectOut(w, uOut)).norm2Number().doubleValue();
    }

    /** The core {@code W x_0 U_out^T x_1 U_in^T}: {@code [r2, r1, kH, kW]}. */
    static INDArray core(INDArray w, INDArray uIn, INDArray uOut) {
        long r1 = uIn.size(1);
        long r2 = uOut.size(1);
        INDArray t = uIn.transpose().mmul(projectOut(w, uOut)); // [r1, r2 kk]
        return t.reshape('c', r1, r2, w.size(2), w.size(3)).permute(1, 0, 2, 3).dup('c');
    }

    /** {@code G x_0 U_out x_1 U_in}: the kernel {@code [O, I, kH, kW]} of a decomposition. */
    static INDArray reconstruct(INDArray uIn, INDArray core, INDArray uOut) {
        long r2 = core.size(0);
        long r1 = core.size(1);
        long kh = core.size(2);
        long kw = core.size(3);
        long o = uOut.size(0);
        long i = uIn.size(0);
        INDArray t = uOut.mmul(core.dup('c').reshape('c', r2, r1 * kh * kw)); // [O, r1 kk]
        t = t.reshape('c', o, r1, kh * kw).permute(1, 0, 2).dup('c').reshape('c', r1, o * kh * kw);
        return uIn.mmul(t).reshape('c', i, o, kh, kw).permute(1, 0, 2, 3).dup('c');
    }
}
