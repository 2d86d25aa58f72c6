package dev.condense.api.decomp;

import dev.condense.api.extension.Extension;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Factorizes a weight tensor into smaller factors (truncated SVD, Tucker-2, CP, separable kernels).
 *
 * <p>Invariants: {@code reconstruct(decompose(w))} has w's shape; for a tensor whose exact rank is at most the
 * requested rank the reconstruction error is at float32 rounding level; never mutates w.
 *
 * @param <P> params record (rank or energy to keep, ...)
 */
public interface Decomposition<P extends Record> extends Extension<P> {

    Factorization decompose(INDArray weight, P params);

    INDArray reconstruct(Factorization factorization);
}
