package dev.condense.api.decomp;

import java.util.List;

/**
 * The result of factorizing one weight tensor.
 *
 * @param factors the factor tensors, in the order the layout documents
 * @param layout  how the engine rewrites the node, e.g. {@link #GEMM_UV} (two Gemms: [r,in] then [out,r]) or
 *                {@code conv-tucker2} (1x1, core kxk, 1x1)
 */
public record Factorization(List<org.nd4j.linalg.api.ndarray.INDArray> factors, String layout) {

    /**
     * Layout of a Gemm weight {@code W [out, in]} split into two Gemms, in the order the data flows: factors
     * {@code V [r, in]} (the first Gemm, {@code transB = 1}) then {@code U [out, r]} (the second, which keeps the
     * bias), with {@code W ~ U V}.
     */
    public static final String GEMM_UV = "gemm-uv";

    /**
     * Layout of a Conv weight {@code W [out, in, kH, kW]} (group 1) split into three convolutions by a Tucker-2
     * decomposition of its channel modes, in the order the data flows: factors {@code U_in [in, r1]} (a 1x1 conv from
     * in to r1 channels), the core {@code [r2, r1, kH, kW]} (a kH x kW conv with the original strides, pads and
     * dilations) and {@code U_out [out, r2]} (a 1x1 conv to out channels, which keeps the bias), with
     * {@code W[o, i, y, x] ~ sum_{a, b} U_out[o, a] core[a, b, y, x] U_in[i, b]}.
     */
    public static final String CONV_TUCKER2 = "conv-tucker2";

    /**
     * Layout of a Conv weight {@code W [out, in, kH, kW]} (group 1) from a rank-R CP decomposition, four convolutions
     * in the order the data flows: factors {@code U_in [in, R]} (a 1x1 conv from in to R channels), {@code K_y [kH, R]}
     * (a kH x 1 depthwise conv), {@code K_x [kW, R]} (a 1 x kW depthwise conv) and {@code U_out [out, R]} (a 1x1 conv
     * to out channels, which keeps the bias), with {@code W[o, i, y, x] ~ sum_r U_out[o, r] U_in[i, r] K_y[y, r]
     * K_x[x, r]} (Lebedev et al., ICLR 2015).
     */
    public static final String CONV_CP = "conv-cp";

    /**
     * Layout of a Conv weight {@code W [out, in, kH, kW]} (group 1) split into a vertical and a horizontal
     * convolution with K intermediate channels (Jaderberg et al., BMVC 2014, scheme 2): factors {@code V [K, in, kH, 1]}
     * then {@code H [out, K, 1, kW]} (which keeps the bias), with
     * {@code W[o, i, y, x] ~ sum_k H[o, k, 0, x] V[k, i, y, 0]}.
     */
    public static final String CONV_SEPARABLE = "conv-separable";

    public Factorization {
        factors = List.copyOf(factors);
        if (factors.isEmpty()) {
            throw new IllegalArgumentException("a factorization has at least one factor");
        }
        if (layout == null || layout.isBlank()) {
            throw new IllegalArgumentException("a factorization names its layout (e.g. " + GEMM_UV + ")");
        }
    }
}
