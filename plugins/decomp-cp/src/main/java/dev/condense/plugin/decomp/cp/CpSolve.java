package dev.condense.plugin.decomp.cp;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The CP-ALS normal equations {@code F G = M} for a symmetric positive semidefinite {@code G [R, R]} (a Hadamard
 * product of Gram matrices) and {@code M [n, R]}, in float32 LAPACK of the OpenBLAS build ND4J loads.
 *
 * <p>First a Cholesky solve ({@code LAPACKE_sposv}, in place on copies of G and M, through the arrays' native
 * buffers); when G is not numerically positive definite (collinear columns, a degenerate CP step) the least-norm update
 * {@code M G^+} from the eigen-decomposition ({@code LAPACKE_ssyevd}, eigenvalues below 1e-6 of the largest dropped)
 * instead of a failure. Single precision on purpose: ND4J's OpenBLAS 0.3.19 with {@code OPENBLAS_CORETYPE=SkylakeX}
 * returns wrong double-precision LAPACK results on this project's machines (docs/benchmarks.md, issue 16).
 */
final class CpSolve {
    private CpSolve() {
    }

    /**
     * @param gram {@code [R, R]} symmetric positive semidefinite, read-only
     * @param b    {@code [n, R]}, read-only
     * @return {@code B G^-1} (or {@code B G^+}), float32 c-ordered {@code [n, R]}
     */
    static INDArray solve(INDArray gram, INDArray b) {
        int r = (int) gram.size(0);
        int n = (int) b.size(0);
        INDArray g = gram.castTo(DataType.FLOAT).dup('c');
        INDArray x = b.castTo(DataType.FLOAT).dup('c');
        // column-major view of the row-major x [n, R]: X^T [R, n] with leading dimension R, so G X^T = B^T in place
        int info = openblas.LAPACKE_sposv(openblas.LAPACK_COL_MAJOR, (byte) 'U', r, n, pointer(g), r, pointer(x), r);
        if (info < 0) {
            throw new IllegalStateException("LAPACKE_sposv: bad argument " + -info);
        }
        return info == 0 ? x : pseudoInverse(gram, b);
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    /** {@code B G^+} from LAPACK's {@code ssyevd}. */
    static INDArray pseudoInverse(INDArray gram, INDArray b) {
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
}
