package dev.condense.api.quant;

import dev.condense.api.extension.Extension;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Maps a float tensor to a quantized form and back (affine int-k, fp16, binary, k-means codebook).
 *
 * <p>Invariants: {@code dequantize(quantize(x))} has x's shape; quantizing never mutates x; for a scheme with
 * {@code 2^bits} levels the reconstruction takes at most {@code 2^bits} distinct values per scale group.
 *
 * @param <P> params record (bits, symmetric, per-channel, ...)
 */
public interface Quantizer<P extends Record> extends Extension<P> {

    QuantizedTensor quantize(INDArray x, P params);

    INDArray dequantize(QuantizedTensor q);
}
