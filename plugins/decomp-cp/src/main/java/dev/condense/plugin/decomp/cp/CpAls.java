package dev.condense.plugin.decomp.cp;

import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * CP decomposition of a 4-way tensor by alternating least squares (Carroll and Chang 1970, Harshman 1970; Kolda and
 * Bader, "Tensor Decompositions and Applications", SIAM Review 51(3), 2009, section 3.4), as Lebedev, Ganin, Rakhuba,
 * Oseledets and Lempitsky, "Speeding-up Convolutional Neural Networks Using Fine-tuned CP-Decomposition", ICLR 2015
 * apply it to a conv kernel {@code [O, I, kH, kW]}: {@code W ~ sum_r lambda_r a_r (x) b_r (x) c_r (x) d_r}.
 *
 * <p>Each sweep updates the four factors in turn: for mode m, {@code A_m = W_(m) KR_m (G_m)^-1} with the mode-m
 * unfolding {@code W_(m)}, the Khatri-Rao product {@code KR_m} of the other factors (in the unfolding's order) and
 * {@code G_m} the elementwise product of their Gram matrices; then the columns of A_m are normalized and their norms
 * kept as lambda. Unfoldings, Khatri-Rao products (repeat/tile then multiply), Gram matrices and MTTKRP are ND4J array
 * operations and gemms; the R x R solve is a pseudo-inverse from LAPACK's {@code ssyevd}.
 */
final class CpAls {
    private CpAls() {
    }

    /**
     * A CP decomposition with normalized factor columns.
     *
     * @param factors float32 {@code [n_m, R]} per mode, unit-norm columns
     * @param lambda  float32 {@code [R]}, the weights
     */
    record Result(INDArray[] factors, INDArray lambda) {
    }

    /** The mode-m unfolding {@code [n_m, prod of the others]}, the other modes in their original order. */
    static INDArray unfold(INDArray w, int m) {
        int[] perm = new int[w.rank()];
        perm[0] = m;
        for (int j = 0, k = 1; j < w.rank(); j++) {
            if (j != m) {
                perm[k++] = j;
            }
        }
        return w.permute(perm).dup('c').reshape('c', w.size(m), w.length() / w.size(m));
    }

    /** The Khatri-Rao (column-wise Kronecker) product {@code [a b, R]}: row {@code i b + j} is {@code A[i] * B[j]}. */
    static INDArray khatriRao(INDArray a, INDArray b) {
        return a.repeat(0, b.size(0)).mul(Nd4j.tile(b, (int) a.size(0), 1));
    }

    /**
     * Decomposes {@code w} at rank r; never mutates w.
     *
     * @param w      a 4-way tensor
     * @param r      the rank, >= 1
     * @param sweeps ALS sweeps, >= 1
     * @param seed   seed of the Gaussian start
     */
    static Result decompose(INDArray w, int r, int sweeps, long seed) {
        INDArray t = w.castTo(DataType.FLOAT).dup('c');
        int n = t.rank();
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray[] f = new INDArray[n];
        INDArray[] unfolded = new INDArray[n];
        for (int m = 0; m < n; m++) {
            f[m] = Nd4j.randn(rng, new long[] {t.size(m), r}).castTo(DataType.FLOAT);
            unfolded[m] = unfold(t, m);
        }
        INDArray lambda = Nd4j.ones(DataType.FLOAT, r);
        for (int s = 0; s < sweeps; s++) {
            for (int m = 0; m < n; m++) {
                INDArray kr = null;
                INDArray gram = Nd4j.ones(DataType.FLOAT, r, r);
                for (int j = 0; j < n; j++) { // the other modes, in order (3 of them)
                    if (j != m) {
                        kr = kr == null ? f[j] : khatriRao(kr, f[j]);
                        gram.muli(f[j].transpose().mmul(f[j]));
                    }
                }
                INDArray mttkrp = unfolded[m].mmul(kr); // [n_m, R]
                INDArray a = solve(gram, mttkrp);
                lambda = a.norm2(0).castTo(DataType.FLOAT);
                INDArray safe = lambda.add(Float.MIN_NORMAL);
                f[m] = a.divRowVector(safe.reshape(1, r)).castTo(DataType.FLOAT);
            }
        }
        return new Result(f, lambda);
    }

    /**
     * {@code B G^+} for a symmetric positive semidefinite {@code G [R, R]}: the pseudo-inverse from LAPACK's
     * {@code ssyevd}, eigenvalues below 1e-6 of the largest dropped, so collinear columns (a degenerate CP step) give
     * the least-norm update instead of a failure. Single precision on purpose: ND4J's OpenBLAS 0.3.19 with
     * {@code OPENBLAS_CORETYPE=SkylakeX} returns wrong double-precision eigenvectors from about R = 96 up (see
     * decomp-tucker2's LeadingSubspace).
     */
    static INDArray solve(INDArray gram, INDArray b) {
        int r = (int) gram.size(0);
        float[] g = gram.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] w = new float[r];
        int info = openblas.LAPACKE_ssyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', r, g, r, w);
        if (info != 0) {
            throw new IllegalStateException("LAPACKE_ssyevd of the " + r + " x " + r + " CP normal equations failed"
                    + " with info " + info);
        }
        INDArray values = Nd4j.createFromArray(w);
        double cutoff = 1e-6 * Math.max(values.maxNumber().doubleValue(), Float.MIN_NORMAL);
        INDArray keep = values.gt(cutoff).castTo(DataType.FLOAT);
        INDArray inverse = keep.div(Transforms.max(values, cutoff, true)); // 1 / lambda where kept, else 0
        INDArray v = Nd4j.create(g, new long[] {r, r}, 'c'); // eigenvectors in the columns
        INDArray pinv = v.mulRowVector(inverse.reshape(1, r)).mmul(v.transpose());
        return b.castTo(DataType.FLOAT).mmul(pinv).dup('c');
    }

    /** {@code sum_r lambda_r a_r (x) b_r (x) c_r (x) d_r} as a c-ordered tensor. */
    static INDArray reconstruct(INDArray[] f, INDArray lambda) {
        INDArray kr = f[1];
        for (int j = 2; j < f.length; j++) {
            kr = khatriRao(kr, f[j]);
        }
        INDArray first = f[0].mulRowVector(lambda.reshape(1, lambda.length()));
        long[] shape = new long[f.length];
        for (int j = 0; j < f.length; j++) {
            shape[j] = f[j].size(0);
        }
        return first.mmul(kr.transpose()).reshape('c', shape);
    }
}
