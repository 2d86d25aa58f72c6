package dev.condense.api.model;

import java.util.Objects;

/**
 * How an activation tensor (a graph input or a node output, never an initializer) is quantized when the graph is
 * exported. Like {@link TensorAnnotation}s it changes no float value in the IR: training, lowering and statistics
 * see the float tensor; only the exporter writes it out.
 * <ul>
 *   <li>Static ({@link #calibrated}): a per-tensor {@link AffineQuantization} fixed before export (from calibration
 *       or copied from another tensor). The exporter writes {@code QuantizeLinear -> DequantizeLinear} on the tensor
 *       (QDQ), so ONNX Runtime can run the surrounding ops on integers.</li>
 *   <li>Dynamic ({@link #dynamic}): quantized at run time by ONNX Runtime ({@code DynamicQuantizeLinear}: uint8,
 *       asymmetric, per tensor, range from each call's own min and max); only meaningful as the input of a
 *       Gemm/MatMul whose weight carries an {@link AffineQuantization}.</li>
 * </ul>
 *
 * @param affine the static quantization (per tensor, 2-8 bits), or null when dynamic
 */
public record ActivationQuantization(AffineQuantization affine) {

    public ActivationQuantization {
        if (affine != null) {
            if (!affine.perTensor()) {
                throw new IllegalArgumentException("activations are quantized per tensor, not along axis "
                        + affine.axis());
            }
            if (affine.bits() == 32) {
                throw new IllegalArgumentException("activations are quantized with 2-8 bits, not 32");
            }
        }
    }

    /** A static quantization with fixed scale and zero point. */
    public static ActivationQuantization calibrated(AffineQuantization affine) {
        return new ActivationQuantization(Objects.requireNonNull(affine, "affine"));
    }

    /** Quantized at run time by ONNX Runtime (uint8, per tensor, each call's own range). */
    public static ActivationQuantization dynamic() {
        return new ActivationQuantization(null);
    }

    /** True when ONNX Runtime chooses the range at run time. */
    public boolean isDynamic() {
        return affine == null;
    }

    /** {@code static uint8 scale 0.0123 zp 12} or {@code dynamic uint8}, for messages and reports. */
    public String describe() {
        if (affine == null) {
            return "dynamic uint8";
        }
        return "static " + (affine.signed() ? "int" : "uint") + affine.bits() + " scale " + affine.scale().getFloat(0)
                + " zp " + affine.zeroPoint().getLong(0);
    }
}
