package dev.condense.plugin.quant.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.testkit.QuantizerContract;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KmeansQuantizerTest extends QuantizerContract<KmeansParams> {

    @Override
    protected Quantizer<KmeansParams> extension() {
        return new KmeansQuantizer();
    }

    @Override
    protected KmeansParams params() {
        return new KmeansParams(3, null, null, null);
    }

    /** Three distinct non-zero values, each repeated, zeros between them: 2 bits (3 centroids and the zero). */
    private static INDArray planted() {
        float[] v = new float[60];
        float[] values = {-1f, 0.5f, 2f};
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 4 == 0 ? 0f : values[(i * 7) % 3];
        }
        return Nd4j.createFromArray(v).reshape(6, 10);
    }

    @Test
    void plantedValuesAreFoundExactlyAndZerosStayZero() {
        for (String init : new String[] {"linear", "density"}) {
            INDArray x = planted();
            QuantizedTensor q = extension().quantize(x, new KmeansParams(2, init, null, null));
            assertArrayEquals(new float[] {-1f, 0.5f, 2f, 0f}, q.codebook().data().asFloat(), init);
            assertEquals(x, extension().dequantize(q), init + ": shared weights reproduce the planted tensor");
            assertEquals(3, q.codes().maxNumber().intValue(), "zeros take the index after the centroids");
        }
    }

    @Test
    void randomInitializationIsSeededAndNeverMakesZeroACentroid() {
        INDArray x = planted();
        QuantizedTensor a = extension().quantize(x, new KmeansParams(1, "random", null, 9L));
        QuantizedTensor b = extension().quantize(x, new KmeansParams(1, "random", null, 9L));
        assertEquals(a.codebook(), b.codebook());
        float[] book = a.codebook().data().asFloat();
        assertEquals(0f, book[book.length - 1]);
        for (int i = 0; i + 1 < book.length; i++) {
            assertTrue(book[i] != 0f, "zero is not a centroid");
        }
        INDArray back = extension().dequantize(a);
        assertEquals(x.eq(0.0), back.eq(0.0), "exactly the pruned weights are zero");
    }

    @Test
    void lloydReducesTheErrorOfTheInitialization() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {50, 40})
                .castTo(DataType.FLOAT);
        double once = error(x, new KmeansParams(3, "linear", 1, null));
        double converged = error(x, new KmeansParams(3, "linear", 100, null));
        assertTrue(converged < 0.8 * once, "one iteration " + once + ", converged " + converged);
    }

    private double error(INDArray x, KmeansParams p) {
        return extension().dequantize(extension().quantize(x, p)).sub(x).norm2Number().doubleValue();
    }

    @Test
    void aPrunedTensorKeepsTwoToTheBitsValuesWithTheZero() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(6), new long[] {40, 40})
                .castTo(DataType.FLOAT);
        x.muli(x.gt(0.5).castTo(DataType.FLOAT).add(x.lt(-0.5).castTo(DataType.FLOAT)));
        for (int bits : new int[] {3, 8}) {
            QuantizedTensor q = extension().quantize(x, new KmeansParams(bits, null, null, null));
            assertEquals(1L << bits, q.codebook().length(), "the centroids and the zero fit " + bits + " bits");
        }
    }

    @Test
    void badParamsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KmeansParams(0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new KmeansParams(17, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new KmeansParams(9, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new KmeansParams(4, "kmeans++", null, null));
    }
}
