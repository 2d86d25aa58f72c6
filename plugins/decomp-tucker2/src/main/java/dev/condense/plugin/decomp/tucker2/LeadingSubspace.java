package dev.condense.plugin.decomp.tucker2;

import java.util.stream.LongStream;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The leading left singular vectors and the singular values of a wide matrix {@code A [m, n]} (a mode unfolding of
 * a kernel, {@code n >= m} typically), from the symmetric eigendecomposition of its Gram matrix {@code A A^T [m, m]}:
 * the Gram matrix is one float32 gemm, its eigenvectors LAPACK's divide-and-conquer {@code ssyevd}
 * ({@code LAPACKE_ssyevd}, row-major) of the OpenBLAS build ND4J loads. Single precision on purpose: with
 * {@code OPENBLAS_CORETYPE=SkylakeX} (which bin/condense sets on AVX-512 machines) the double-precision LAPACK
 * eigensolvers of ND4J's OpenBLAS 0.3.19 ({@code dsyevd}, {@code dsyev}, {@code dgesdd}) return wrong vectors from
 * about m = 96 up (residual {@code ||G V - V diag(w)||} of the order of {@code ||G||}; measured here, 256 x 256),
 * while the float32 ones are right. The Gram matrix squares the condition number: singular values below about
 * 3e-4 of the largest come out as rounding, which does not move the leading subspace when the kept values are
 * above that.
 */
final class LeadingSubspace {
    private LeadingSubspace() {
    }

    /**
     * @param vectors float32 {@code [m, r]}, orthonormal columns, the left singular vectors of the r largest values
     * @param values  double {@code [m]}, all singular values, descending, >= 0
     */
    record Subspace(INDArray vectors, INDArray values) {
    }

    /**
     * The r leading left singular vectors of {@code a} and all its singular values; never mutates a.
     *
     * @param a a non-empty matrix {@code [m, n]}, any float type
     * @param r in {@code [1, m]}
     * @throws IllegalStateException when LAPACK reports an error
     */
    static Subspace of(INDArray a, int r) {
        int m = (int) a.size(0);
        if (r < 1 || r > m) {
            throw new IllegalArgumentException("rank must be in [1, " + m + "], was " + r);
        }
        INDArray af = a.castTo(DataType.FLOAT);
        float[] gram = af.mmul(af.transpose()).dup('c').data().asFloat();
        float[] w = new float[m];
        int info = openblas.LAPACKE_ssyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', m, gram, m, w);
        if (info != 0) {
            throw new IllegalStateException("LAPACKE_ssyevd of a [" + m + ", " + m + "] Gram matrix failed with info "
                    + info);
        }
        // Eigenvalues ascending, eigenvectors in the columns: the leading ones are the last columns, reversed.
        long[] leading = LongStream.range(0, r).map(i -> m - 1 - i).toArray();
        INDArray vectors = Nd4j.create(gram, new long[] {m, m}, 'c')
                .get(NDArrayIndex.all(), NDArrayIndex.indices(leading)).dup('c');
        long[] all = LongStream.range(0, m).map(i -> m - 1 - i).toArray();
        INDArray values = Transforms.sqrt(Transforms.max(Nd4j.createFromArray(w).castTo(DataType.DOUBLE)
                .get(NDArrayIndex.indices(all)), 0.0), false);
        return new Subspace(vectors, values);
    }
}
