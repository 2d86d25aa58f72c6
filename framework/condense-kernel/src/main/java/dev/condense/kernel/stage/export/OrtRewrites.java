package dev.condense.kernel.stage.export;

/**
 * The exact rewrites an export applies to a quantized graph so that ONNX Runtime's int8 kernels take more of it; both
 * off by default, each reported with the layers it changed.
 *
 * @param padChannels  widen int8 convolution groups narrower than MLAS's kernel condition with zero filters, and a
 *                     1-3 channel quantized input to 4 channels ({@link dev.condense.engine.onnx.quant.ChannelPadding})
 * @param inputPatches lower an int8 convolution over a narrow quantized input (an image's first layer) to shifted
 *                     slices and a 1x1 convolution ({@link dev.condense.engine.onnx.quant.InputPatches}); with the
 *                     padding, after the groups widen and instead of padding that input to 4 channels
 */
public record OrtRewrites(boolean padChannels, boolean inputPatches) {
    /** No rewrite: the plain QDQ (or integer-only) form. */
    public static final OrtRewrites NONE = new OrtRewrites(false, false);

    /** Whether any rewrite is on. */
    public boolean any() {
        return padChannels || inputPatches;
    }
}
