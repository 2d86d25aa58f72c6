package dev.condense.engine.graph;

import java.util.Arrays;

/**
 * ONNX Reshape's target-shape rule with a dynamic batch axis: {@code 0} copies the input dimension (unless
 * {@code allowzero}), one {@code -1} is inferred from the element count. When the input has a dynamic dimension
 * that is not copied, the inferred dimension is dynamic too.
 */
public final class Reshapes {
    private Reshapes() {
    }

    /** Output shape of reshaping a tensor of shape {@code in} to {@code spec}. */
    public static long[] target(long[] in, long[] spec, boolean allowZero) {
        long[] out = spec.clone();
        boolean dynamicCopied = false;
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = in[i];
                dynamicCopied |= in[i] < 0;
            }
            if (spec[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("Reshape spec " + Arrays.toString(spec) + " has two -1");
                }
                inferred = i;
            } else if (out[i] >= 0) {
                known *= out[i];
            }
        }
        boolean dynamicIn = Arrays.stream(in).anyMatch(d -> d < 0);
        if (inferred >= 0) {
            long total = Arrays.stream(in).filter(d -> d >= 0).reduce(1, (a, b) -> a * b);
            out[inferred] = dynamicIn && !dynamicCopied ? -1 : total / Math.max(1, known);
        }
        return out;
    }

    /** Product of {@code s[from..to)}, or {@code -1} if any of those dimensions is dynamic. */
    public static long product(long[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (s[i] < 0) {
                return -1;
            }
            p *= s[i];
        }
        return p;
    }
}
