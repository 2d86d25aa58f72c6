package dev.condense.plugin.decomp.cp;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CP decomposition of a conv kernel by alternating least squares (Carroll and Chang 1970, Harshman 1970; Kolda and
 * Bader, "Tensor Decompositions and Applications", SIAM Review 51(3), 2009, section 3.4), as Lebedev, Ganin, Rakhuba,
 * Oseledets and Lempitsky, "Speeding-up Convolutional Neural Networks Using Fine-tuned CP-Decomposition", ICLR 2015
 * apply it to a kernel {@code W [O, I, Y, X]}: {@code W ~ sum_r lambda_r a_r (x) b_r (x) c_r (x) d_r}.
 *
 * <p>Each sweep updates A, B, C, D in turn by {@code F_m = M_m G_m^-1}, with {@code G_m} the elementwise product of the
 * other factors' Gram matrices ({@link CpSolve}) and {@code M_m = W_(m) KR_m} the MTTKRP (matricized tensor times
 * Khatri-Rao product); then F_m's columns are normalized and their norms kept as lambda. The MTTKRPs share work, so a
 * sweep is two gemms on the unfolding {@code W_(0) [O, I Y X]} and a few broadcast multiply-and-sum operations on
 * arrays of at most {@code I Y X R} values (per-op overhead, not arithmetic, is what costs at conv-kernel sizes):
 * <ul>
 *   <li>A: {@code M_0 = W_(0) (B kr C kr D)}, the Khatri-Rao product {@code [I Y X, R]} by one broadcast multiply;</li>
 *   <li>then {@code Z = W_(0)^T A [I Y X, R]} (A is final for the sweep), and B: {@code M_1[i] = sum_yx Z[i, yx]
 *       (C kr D)[yx]};</li>
 *   <li>{@code Zb[y, x] = sum_i Z[i, y, x] B[i]}, C: {@code M_2[y] = sum_x Zb[y, x] D[x]}, D: {@code M_3[x] = sum_y
 *       Zb[y, x] C[y]} (all products per column r).</li>
 * </ul>
 * The iterates are exactly those of textbook CP-ALS (the same updates in the same order); only the arithmetic is
 * regrouped.
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

    /**
     * The Khatri-Rao (column-wise Kronecker) product {@code [a b, R]}: row {@code i b + j} is {@code A[i] * B[j]}; one
     * broadcast multiply {@code [a, 1, R] * [1, b, R]}.
     */
    static INDArray khatriRao(INDArray a, INDArray b) {
        long r = a.size(1);
        INDArray outer = a.reshape('c', a.size(0), 1, r).mul(b.reshape('c', 1, b.size(0), r)); // [a, b, R]
        return outer.reshape('c', a.size(0) * b.size(0), r);
    }

    /**
     * Decomposes {@code w} at rank r; never mutates w.
     *
     * @param w      a kernel {@code [O, I, Y, X]}
     * @param r      the rank, >= 1
     * @param sweeps ALS sweeps, >= 1
     * @param seed   seed of the Gaussian start (the factors drawn in mode order, each {@code [n_m, R]})
     */
    static Result decompose(INDArray w, int r, int sweeps, long seed) {
        if (w.rank() != 4) {
            throw new IllegalArgumentException("CP-ALS takes a 4-way kernel, got rank " + w.rank());
        }
        long o = w.size(0);
        long i = w.size(1);
        long y = w.size(2);
        long x = w.size(3);
        INDArray w0 = w.castTo(DataType.FLOAT).dup('c').reshape('c', o, i * y * x); // W_(0) [O, I Y X]
        INDArray w0t = w0.transpose();
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray[] f = new INDArray[4];
        INDArray[] gram = new INDArray[4];
        for (int m = 0; m < 4; m++) {
            f[m] = Nd4j.randn(rng, new long[] {w.size(m), r}).castTo(DataType.FLOAT);
            gram[m] = f[m].transpose().mmul(f[m]);
        }
        INDArray lambda = Nd4j.ones(DataType.FLOAT, r);
        for (int s = 0; s < sweeps; s++) {
            INDArray kr = khatriRao(khatriRao(f[1], f[2]), f[3]); // [I Y X, R]
            lambda = update(f, gram, 0, w0.mmul(kr));
            INDArray z = w0t.mmul(f[0]).reshape('c', i, y * x, r); // W_(0)^T A
            lambda = update(f, gram, 1, z.mul(khatriRao(f[2], f[3]).reshape('c', 1, y * x, r)).sum(1));
            INDArray zb = z.mul(f[1].reshape('c', i, 1, r)).sum(0).reshape('c', y, x, r); // [Y, X, R]
            lambda = update(f, gram, 2, zb.mul(f[3].reshape('c', 1, x, r)).sum(1));
            lambda = update(f, gram, 3, zb.mul(f[2].reshape('c', y, 1, r)).sum(0));
        }
        return new Result(f, lambda);
    }

    /**
     * One mode update: {@code f[m] = mttkrp G_m^-1}, its columns normalized, its Gram matrix refreshed.
     *
     * @return the column norms before normalization {@code [R]}
     */
    private static INDArray update(INDArray[] f, INDArray[] gram, int m, INDArray mttkrp) {
        INDArray g = null;
        for (int j = 0; j < f.length; j++) {
            if (j != m) {
                g = g == null ? gram[j].dup() : g.muli(gram[j]);
            }
        }
        INDArray a = CpSolve.solve(g, mttkrp);
        INDArray norms = a.norm2(0);
        f[m] = a.diviRowVector(norms.add(Float.MIN_NORMAL).reshape(1, norms.length()));
        gram[m] = f[m].transpose().mmul(f[m]);
        return norms;
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
