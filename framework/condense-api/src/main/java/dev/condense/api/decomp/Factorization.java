package dev.condense.api.decomp;

import java.util.List;

/**
 * The result of factorizing one weight tensor.
 *
 * @param factors the factor tensors, in the order the layout documents
 * @param layout  how the engine rewrites the node, e.g. {@code gemm-uv} (two Gemms: [r,in] then [out,r]) or
 *                {@code conv-tucker2} (1x1, core kxk, 1x1)
 */
public record Factorization(List<org.nd4j.linalg.api.ndarray.INDArray> factors, String layout) {

    public Factorization {
        factors = List.copyOf(factors);
        if (factors.isEmpty()) {
            throw new IllegalArgumentException("a factorization has at least one factor");
        }
    }
}
