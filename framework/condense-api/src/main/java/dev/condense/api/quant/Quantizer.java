package dev.condense.api.quant;

import dev.condense.api.extension.Extension;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Maps a float tensor to a quantized form and back (affine int-k, fp16, binary, k-means codebook).
 *
 * <p>Invariants: {@code dequantize(quantize(x))} has x's shape; quantizing never mutates x; for a scheme with
 * {@code 2^bits} levels the reconstruction takes at most {@code 2^bits} distinct values per scale group (codebook
 * schemes of pruned tensors: {@code 2^bits} shared values plus the pruned zeros, which sparse storage keeps apart).
 *
 * @param <P> params record (bits, symmetric, per-channel, ...)
 */
public interface Quantizer<P extends Record> extends Extension<P> {

    /**
     * Quantizes {@code x}.
     *
     * @param x      float tensor of any shape (a weight in ONNX layout; per-channel schemes group along axis 0);
     *               read-only
     * @param params the bound params record
     * @return codes with x's shape, plus scale and zero point (affine: scalars, or vectors of length
     *         {@code x.size(0)} per channel) or a codebook of at most {@code 2^bits} centroids; {@code bits} and
     *         {@code scheme} (this quantizer's id) set
     */
    QuantizedTensor quantize(INDArray x, P params);

    /**
     * Maps codes back to real values: {@code scale * (code - zeroPoint)} for affine schemes, {@code codebook[code]}
     * for codebook schemes.
     *
     * @param q a tensor this quantizer produced (its {@code scheme} is this id)
     * @return a new array with {@code q.codes()}'s shape
     */
    INDArray dequantize(QuantizedTensor q);
}
