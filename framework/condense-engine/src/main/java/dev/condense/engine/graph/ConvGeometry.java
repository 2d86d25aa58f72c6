package dev.condense.engine.graph;

import dev.condense.api.model.Node;

/**
 * Spatial geometry of Conv, MaxPool and AveragePool nodes (ONNX opset 13, 2-D spatial, NCHW).
 *
 * <p>Explicit {@code pads} are {@code [top, left, bottom, right]}; {@code auto_pad} SAME_UPPER / SAME_LOWER are
 * resolved to explicit pads so that {@code out = ceil(in / stride)} (the extra pad goes to the end for SAME_UPPER,
 * to the beginning for SAME_LOWER); VALID means no padding. Output size per axis:
 * {@code floor((in + padBegin + padEnd - dilation * (k - 1) - 1) / stride) + 1}, or with {@code ceil} when
 * {@code ceil_mode=1} (pooling only). A dynamic ({@code -1}) spatial size stays {@code -1}.
 *
 * @param kernel    {@code [kH, kW]}
 * @param strides   {@code [sH, sW]}
 * @param dilations {@code [dH, dW]}
 * @param pads      {@code [top, left, bottom, right]}
 * @param ceil      ceil_mode of pooling
 */
public record ConvGeometry(long[] kernel, long[] strides, long[] dilations, long[] pads, boolean ceil) {

    /** Geometry of {@code n} given its input shape {@code [N, C, H, W]} and kernel {@code [kH, kW]}. */
    public static ConvGeometry of(Node n, long[] input, long[] kernel) {
        int r = kernel.length;
        long[] strides = n.intsAttr("strides", ones(r));
        long[] dil = n.intsAttr("dilations", ones(r));
        long[] pads = n.intsAttr("pads", new long[2 * r]);
        String auto = (String) n.attributes().getOrDefault("auto_pad", "NOTSET");
        if (auto.startsWith("SAME")) {
            for (int i = 0; i < r; i++) {
                long in = input[2 + i];
                long out = (in + strides[i] - 1) / strides[i];
                long total = Math.max(0, (out - 1) * strides[i] + dil[i] * (kernel[i] - 1) + 1 - in);
                long small = total / 2;
                pads[i] = auto.equals("SAME_UPPER") ? small : total - small;
                pads[i + r] = total - pads[i];
            }
        } else if (auto.equals("VALID")) {
            pads = new long[2 * r];
        }
        return new ConvGeometry(kernel, strides, dil, pads, n.intAttr("ceil_mode", 0) != 0);
    }

    /** Output spatial size along axis {@code i} (0 = H, 1 = W) for input size {@code in}. */
    public long outSize(int i, long in) {
        if (in < 0) {
            return -1;
        }
        long span = in + pads[i] + pads[i + kernel.length] - dilations[i] * (kernel[i] - 1) - 1;
        long out = (ceil ? Math.floorDiv(span + strides[i] - 1, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
        if (ceil && (out - 1) * strides[i] >= in + pads[i]) {
            out--; // ONNX/PyTorch: the last window must start inside the input or the begin padding
        }
        return out;
    }

    /** True when the padding is the same at both ends of every axis. */
    public boolean symmetric() {
        int r = kernel.length;
        for (int i = 0; i < r; i++) {
            if (pads[i] != pads[i + r]) {
                return false;
            }
        }
        return true;
    }

    private static long[] ones(int r) {
        long[] a = new long[r];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
