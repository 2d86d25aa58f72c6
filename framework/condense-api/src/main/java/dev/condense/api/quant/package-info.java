/**
 * Quantization: {@link dev.condense.api.quant.Quantizer} extensions map a float tensor to integer codes with an
 * affine scale/zero point or a codebook ({@link dev.condense.api.quant.QuantizedTensor}) and back;
 * {@link dev.condense.api.quant.Calibrator} extensions choose activation clipping ranges from streamed calibration
 * batches.
 */
package dev.condense.api.quant;
