package dev.condense.plugin.quant.affine;

import java.util.List;

/**
 * Params of the affine quantizer, bound from the recipe (e.g. {@code quantizer: {affine: {bits: 4, granularity:
 * per-tensor}}}).
 *
 * @param bits        integer width, 2 to 8, default 8
 * @param granularity {@code per-channel} (default: one scale and zero point per index of axis 0, the output channel
 *                    of a Conv {@code [outC, inC, kH, kW]} or Gemm {@code [out, in]} weight) or {@code per-tensor}
 * @param symmetric   signed codes with zero point 0 (default true), else unsigned codes with a zero point
 * @param reduceRange at most 7 bits (default false): for CPUs without VNNI, whose 8-bit multiply-add saturates
 */
public record AffineParams(Integer bits, String granularity, Boolean symmetric, Boolean reduceRange) {
    /** Allowed values of {@code granularity}. */
    public static final List<String> GRANULARITIES = List.of("per-channel", "per-tensor");

    public AffineParams {
        bits = bits == null ? 8 : bits;
        granularity = granularity == null ? "per-channel" : granularity;
        symmetric = symmetric == null || symmetric;
        reduceRange = reduceRange != null && reduceRange;
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be in [2, 8], was " + bits);
        }
        if (!GRANULARITIES.contains(granularity)) {
            throw new IllegalArgumentException("granularity must be one of " + GRANULARITIES + ", was '"
                    + granularity + "'");
        }
    }

    /** The defaults: 8-bit symmetric per-channel codes, full range. */
    public AffineParams() {
        this(null, null, null, null);
    }

    /** True for one scale per index of axis 0. */
    public boolean perChannel() {
        return granularity.equals("per-channel");
    }
}
