package dev.condense.engine.codec;

import dev.condense.api.model.Codebook;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One weight tensor in Deep Compression's storage format (Han, Mao and Dally, ICLR 2016, section 4): its non-zero
 * elements as {@link RelativeIndex} entries, whose value symbols (an index into the non-zero centroids, or the filler)
 * and gaps are each Huffman-coded. Zero is never a centroid here: pruned weights are the gaps.
 *
 * @param name      the initializer's name in the model
 * @param shape     its shape
 * @param centroids the non-zero centroids, float32, {@code k >= 0} of them
 * @param precision how the centroids are stored; every centroid is exactly a value of it
 * @param indexBits width of a gap in fixed-width storage, 1 to 16
 * @param values    value symbols {@code 0 .. k} (k: filler zero), Huffman-coded
 * @param gaps      gaps {@code 0 .. 2^indexBits - 1}, Huffman-coded, as many as values
 */
public record CodedLayer(String name, long[] shape, float[] centroids, CentroidPrecision precision, int indexBits,
                         HuffmanStream values, HuffmanStream gaps) {

    public CodedLayer {
        if (!precision.holds(centroids)) {
            throw new CodecException(name + ": centroids that " + precision.id() + " does not hold exactly");
        }
        if (values.count() != gaps.count()) {
            throw new CodecException(name + ": " + values.count() + " values but " + gaps.count() + " gaps");
        }
        if (values.code().alphabetSize() != centroids.length + 1) {
            throw new CodecException(name + ": value code over " + values.code().alphabetSize() + " symbols for "
                    + centroids.length + " centroids and the filler");
        }
        if (gaps.code().alphabetSize() != 1 << indexBits) {
            throw new CodecException(name + ": gap code over " + gaps.code().alphabetSize() + " symbols for "
                    + indexBits + "-bit gaps");
        }
    }

    /**
     * Encodes a codebook-quantized weight: elements whose centroid is zero are pruned (stored as gaps); the other
     * centroids are renumbered in their codebook order.
     *
     * @param weight    the initializer, float32, equal to {@code codebook.weights()}
     * @param codebook  its codebook, whose centroids {@code precision} holds exactly ({@link CzModel#projected})
     * @param indexBits gap width, 1 to 16
     */
    public static CodedLayer encode(String name, INDArray weight, Codebook codebook, CentroidPrecision precision,
                                    int indexBits) {
        float[] all = codebook.centroids().data().asFloat();
        int[] renumber = new int[all.length];
        float[] kept = new float[all.length];
        int k = 0;
        for (int c = 0; c < all.length; c++) {
            renumber[c] = all[c] == 0f ? -1 : k;
            if (all[c] != 0f) {
                kept[k++] = all[c];
            }
        }
        int[] indices = codebook.indices().dup().reshape(codebook.indices().length()).data().asInt();
        int[] flat = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            flat[i] = renumber[indices[i]];
        }
        RelativeIndex sparse = RelativeIndex.encode(flat, k, indexBits);
        return new CodedLayer(name, weight.shape(), Arrays.copyOf(kept, k), precision, indexBits,
                HuffmanStream.encode(sparse.values(), k + 1), HuffmanStream.encode(sparse.gaps(), 1 << indexBits));
    }

    /** A float32 layer (container version 1's only kind). */
    public static CodedLayer encode(String name, INDArray weight, Codebook codebook, int indexBits) {
        return encode(name, weight, codebook, CentroidPrecision.FLOAT32, indexBits);
    }

    /** Elements of the tensor. */
    public long length() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** Stored entries (non-zero weights plus fillers). */
    public int entries() {
        return values.count();
    }

    /** The float32 tensor, bit for bit the encoded weights. @throws CodecException if the streams are invalid */
    public INDArray decode() {
        RelativeIndex sparse = new RelativeIndex(Math.toIntExact(length()), indexBits, centroids.length,
                gaps.decode(), values.decode());
        int[] flat = sparse.decode();
        float[] w = new float[flat.length];
        for (int i = 0; i < flat.length; i++) {
            w[i] = flat[i] < 0 ? 0f : centroids[flat[i]];
        }
        return Nd4j.createFromArray(w).reshape(shape);
    }
}
