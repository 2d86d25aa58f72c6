package dev.condense.plugin.quant.kmeans;

import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pf4j.Extension;

/**
 * Recipe id {@code kmeans}: weight sharing by k-means (Han, Mao and Dally, "Deep Compression", ICLR 2016, section
 * 3.1). The non-zero weights of a tensor are clustered ({@link KmeansClustering}); pruned weights stay exactly zero,
 * and zero is not a centroid. A dense tensor gets {@code 2^bits} centroids; a pruned one {@code 2^bits - 1} and the
 * codebook one more entry, 0, after them: so {@code bits} is the width of a value symbol either way (in sparse
 * storage the extra symbol marks a filler zero), and every index fits in a byte at 8 bits.
 *
 * <p>Result: codes int32 of x's shape, indices into {@code codebook} (float32 {@code [k]} or {@code [k + 1]} ending in
 * 0); {@code scale} and {@code zeroPoint} null; {@code bits} as given. {@code dequantize} is {@code codebook[codes]}.
 */
@Extension
public final class KmeansQuantizer implements Quantizer<KmeansParams> {

    @Override
    public String id() {
        return "kmeans";
    }

    @Override
    public Class<KmeansParams> paramsType() {
        return KmeansParams.class;
    }

    @Override
    public String summary() {
        return "k-means weight sharing: the non-zero weights of a layer share 2^bits centroids (linear, density or"
                + " random initialization); pruned weights stay zero";
    }

    @Override
    public String citation() {
        return "Han, Mao and Dally, Deep Compression: Compressing Deep Neural Networks with Pruning, Trained"
                + " Quantization and Huffman Coding, ICLR 2016";
    }

    @Override
    public QuantizedTensor quantize(INDArray x, KmeansParams params) {
        boolean pruned = x.eq(0.0).any();
        int k = (1 << params.bits()) - (pruned ? 1 : 0);
        float[] centroids = KmeansClustering.centroids(x, k, params.init(), params.iterations(), params.seed());
        float[] book = pruned ? java.util.Arrays.copyOf(centroids, centroids.length + 1) : centroids;
        if (book.length == 0) { // no non-zero weight: the codebook is the zero alone
            book = new float[] {0f};
        }
        INDArray codes = KmeansClustering.assign(x.castTo(DataType.FLOAT), centroids, book.length - 1);
        return new QuantizedTensor(codes, null, null, Nd4j.createFromArray(book), params.bits(), id());
    }

    @Override
    public INDArray dequantize(QuantizedTensor q) {
        if (!q.scheme().equals(id())) {
            throw new IllegalArgumentException("kmeans cannot dequantize a tensor of scheme " + q.scheme());
        }
        INDArray flat = q.codes().castTo(DataType.INT32).reshape(q.codes().length());
        INDArray values = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.shape.Gather(q.codebook(), flat, 0))[0];
        return values.reshape(q.codes().shape());
    }
}
