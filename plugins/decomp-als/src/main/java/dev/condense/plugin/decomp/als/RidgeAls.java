package dev.condense.plugin.decomp.als;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.bytedeco.openblas.global.openblas;

/**
 * Regularized low-rank factorization by alternating least squares: {@code W ~ U V} with {@code U [m, r]},
 * {@code V [r, n]}, minimizing {@code f(U, V) = ||W - U V||_F^2 + lambda (||U||_F^2 + ||V||_F^2)}. Each half-step is
 * the exact ridge solution with the other factor fixed (Hastie, Mazumder, Lee and Zadeh, "Matrix Completion and
 * Low-Rank SVD via Fast Alternating Least Squares", JMLR 2015, section 3; Zhou, Wilkinson, Schreiber and Pan, "Large-
 * Scale Parallel Collaborative Filtering for the Netflix Prize", AAIM 2008):
 *
 * <pre>
 * U = W V^T (V V^T + lambda I)^-1        V = (U^T U + lambda I)^-1 U^T W
 * </pre>
 *
 * so {@code f} never increases. The products are ND4J gemms in float64 and each {@code r x r} symmetric positive
 * definite system is solved by LAPACK's Cholesky {@code dposv} ({@code LAPACKE_dposv} of the OpenBLAS build ND4J
 * loads); the factors are returned in float32.
 */
public final class RidgeAls {
    private RidgeAls() {
    }

    /**
     * The factors and the objective after each round.
     *
     * @param u         float32 {@code [m, r]}
     * @param v         float32 {@code [r, n]}
     * @param objective {@code f(U, V)} after each round (float64 arithmetic), non-increasing up to rounding
     */
    public record Result(INDArray u, INDArray v, double[] objective) {
    }

    /**
     * Factorizes {@code w}; never mutates it.
     *
     * @param w          a matrix {@code [m, n]}, any float type
     * @param rank       {@code 1 <= r <= min(m, n)}
     * @param lambda     the ridge weight, >= 0
     * @param iterations rounds, >= 1
     * @param seed       seeds the initial {@code V ~ N(0, 1/r)}
     * @throws IllegalArgumentException for a non-matrix, a rank out of range or a negative lambda
     */
    public static Result factorize(INDArray w, int rank, double lambda, int iterations, long seed) {
        if (w.rank() != 2 || w.length() == 0) {
            throw new IllegalArgumentException("ALS factorizes a non-empty matrix, got shape "
                    + java.util.Arrays.toString(w.shape()));
        }
        long full = Math.min(w.size(0), w.size(1));
        if (rank < 1 || rank > full) {
            throw new IllegalArgumentException("rank " + rank + " outside [1, " + full + "] for a weight "
                    + java.util.Arrays.toString(w.shape()));
        }
        if (!(lambda >= 0) || iterations < 1) {
            throw new IllegalArgumentException("lambda must be >= 0 and iterations >= 1, were " + lambda + ", "
                    + iterations);
        }
        INDArray x = w.castTo(DataType.DOUBLE);
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray v = Nd4j.randn(rng, new long[] {rank, w.size(1)}).castTo(DataType.DOUBLE).divi(Math.sqrt(rank));
        INDArray ridge = Nd4j.eye(rank).castTo(DataType.DOUBLE).muli(lambda);
        INDArray u = null;
        double[] objective = new double[iterations];
        for (int it = 0; it < iterations; it++) {
            u = solve(v.mmul(v.transpose()).addi(ridge), v.mmul(x.transpose())).transpose();
            v = solve(u.transpose().mmul(u).addi(ridge), u.transpose().mmul(x));
            objective[it] = objective(x, u, v, lambda);
        }
        return new Result(u.castTo(DataType.FLOAT).dup('c'), v.castTo(DataType.FLOAT).dup('c'), objective);
    }

    /** {@code ||W - U V||_F^2 + lambda (||U||_F^2 + ||V||_F^2)}. */
    public static double objective(INDArray w, INDArray u, INDArray v, double lambda) {
        INDArray x = w.castTo(DataType.DOUBLE);
        INDArray ud = u.castTo(DataType.DOUBLE);
        INDArray vd = v.castTo(DataType.DOUBLE);
        double fit = Math.pow(x.sub(ud.mmul(vd)).norm2Number().doubleValue(), 2);
        return fit + lambda * (Math.pow(ud.norm2Number().doubleValue(), 2) + Math.pow(vd.norm2Number().doubleValue(), 2));
    }

    /**
     * {@code A^-1 B} for a symmetric positive definite {@code a [r, r]} and {@code b [r, k]}, float64, by Cholesky.
     *
     * @throws IllegalArgumentException when {@code a} is not positive definite (lambda 0 and a rank-deficient factor)
     */
    static INDArray solve(INDArray a, INDArray b) {
        int r = (int) a.size(0);
        int k = (int) b.size(1);
        double[] av = a.dup('c').data().asDouble(); // dposv overwrites both: copies
        double[] bv = b.dup('c').data().asDouble();
        int info = openblas.LAPACKE_dposv(openblas.LAPACK_ROW_MAJOR, (byte) 'U', r, k, av, r, bv, k);
        if (info > 0) {
            throw new IllegalArgumentException("a ridge system of ALS is not positive definite (lambda 0 with a factor"
                    + " of rank below " + r + "): give lambda > 0 or a smaller rank");
        }
        if (info < 0) {
            throw new IllegalStateException("LAPACKE_dposv: bad argument " + -info);
        }
        return Nd4j.create(bv, new long[] {r, k}, 'c');
    }
}
