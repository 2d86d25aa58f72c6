package dev.condense.api.quant;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor in quantized form: integer codes plus what is needed to map them back.
 *
 * <p>Affine schemes: {@code real = scale * (code - zeroPoint)}, with {@code scale} and {@code zeroPoint} scalars
 * (per tensor) or vectors along axis 0 (per channel). Codebook schemes (k-means) put the centroids in
 * {@code codebook} and indices in {@code codes}; {@code scale} and {@code zeroPoint} are then null.
 *
 * @param codes     integer codes with the original tensor's shape (stored in an int or float array)
 * @param scale     per-tensor or per-channel scale, or null
 * @param zeroPoint per-tensor or per-channel zero point, or null
 * @param codebook  centroid values for codebook schemes, or null
 * @param bits      bits per code, 1..16 (16 with a float16 scheme means half precision)
 * @param scheme    the quantizer id that produced it
 */
public record QuantizedTensor(INDArray codes, INDArray scale, INDArray zeroPoint, INDArray codebook, int bits, String scheme) {

    public QuantizedTensor {
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(scheme, "scheme");
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bits must be in [1, 16], was " + bits);
        }
    }
}
