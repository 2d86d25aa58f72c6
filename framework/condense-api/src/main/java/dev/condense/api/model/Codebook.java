package dev.condense.api.model;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight sharing (k-means quantization, Deep Compression): every weight is one of {@code k} shared centroids, and
 * the annotated float initializer holds exactly {@code centroids[indices]}. A pruned weight needs a centroid 0.
 *
 * @param centroids float32 {@code [k]}, 1 <= k <= {@link #MAX_CENTROIDS}, finite
 * @param indices   int32 of the weight's shape, every element in [0, k)
 */
public record Codebook(INDArray centroids, INDArray indices) implements TensorAnnotation {

    /** Most centroids: indices are stored as uint8 when exported. */
    public static final int MAX_CENTROIDS = 256;

    public Codebook {
        Objects.requireNonNull(centroids, "centroids");
        Objects.requireNonNull(indices, "indices");
        if (!indices.dataType().isIntType()) {
            throw new IllegalArgumentException("codebook indices are integers, not " + indices.dataType());
        }
        centroids = centroids.castTo(DataType.FLOAT).reshape(centroids.length());
        indices = indices.castTo(DataType.INT32);
        long k = centroids.length();
        if (k < 1 || k > MAX_CENTROIDS) {
            throw new IllegalArgumentException("a codebook has 1 to " + MAX_CENTROIDS + " centroids, not " + k);
        }
        if (!Double.isFinite(centroids.sumNumber().doubleValue())
                || !Double.isFinite(centroids.amaxNumber().doubleValue())) {
            throw new IllegalArgumentException("codebook centroids must be finite");
        }
        if (indices.length() > 0
                && (indices.minNumber().longValue() < 0 || indices.maxNumber().longValue() >= k)) {
            throw new IllegalArgumentException("codebook indices must be in [0, " + k + "), range was ["
                    + indices.minNumber() + ", " + indices.maxNumber() + "]");
        }
    }

    /** The number of centroids, {@code k}. */
    public int size() {
        return (int) centroids.length();
    }

    /** Bits per index: {@code ceil(log2 k)}, at least 1. */
    public int bits() {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(size() - 1));
    }

    /** The float32 weights this codebook stands for: {@code centroids[indices]}, of the indices' shape. */
    public INDArray weights() {
        if (indices.length() == 0) {
            return Nd4j.create(DataType.FLOAT, indices.shape());
        }
        INDArray flat = Nd4j.exec(new Gather(centroids, indices.reshape(indices.length()), 0))[0];
        return flat.reshape(indices.shape());
    }

    @Override
    public String problemWith(INDArray weight) {
        if (weight.dataType() != DataType.FLOAT) {
            return "a codebook initializer holds float32 values, not " + weight.dataType();
        }
        if (!Arrays.equals(weight.shape(), indices.shape())) {
            return "codebook indices of shape " + Arrays.toString(indices.shape())
                    + " do not match the initializer's shape " + Arrays.toString(weight.shape());
        }
        long off = weight.length() == 0 ? 0 : weights().neq(weight).castTo(DataType.INT64).sumNumber().longValue();
        return off == 0 ? null : off + " of " + weight.length() + " values differ from centroids[indices]";
    }

    @Override
    public String kind() {
        return "codebook";
    }
}
