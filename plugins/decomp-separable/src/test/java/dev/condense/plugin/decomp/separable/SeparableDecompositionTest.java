package dev.condense.plugin.decomp.separable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import dev.condense.testkit.DecompositionContract;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

class SeparableDecompositionTest extends DecompositionContract<SeparableParams> {

    @Override
    protected Decomposition<SeparableParams> extension() {
        return new SeparableDecomposition();
    }

    @Override
    protected SeparableParams params() {
        return SeparableParams.ofRank(2);
    }

    /** The contract's planted weight: a [12, 9, 3, 3] kernel that separates exactly with K = 2. */
    @Override
    protected INDArray plantedWeight() {
        return planted(11, 12, 9, 3, 2);
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new SeparableParams(null, null), () -> new SeparableParams(2, 0.5),
                () -> SeparableParams.ofRank(0), () -> new SeparableParams(null, 1.5));
    }

    /** A seeded kernel {@code [out, in, k, k]} that is exactly a kx1 conv to K channels then a 1xk conv. */
    static INDArray planted(long seed, long out, long in, long k, int channels) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray v = Nd4j.randn(rng, new long[] {channels, in, k, 1}).castTo(DataType.FLOAT);
        INDArray h = Nd4j.randn(rng, new long[] {out, channels, 1, k}).castTo(DataType.FLOAT);
        return SeparableKernels.reconstruct(v, h);
    }

    private static double relativeError(INDArray approx, INDArray w) {
        return approx.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
    }

    @Test
    void aPlantedSeparableKernelIsReconstructedExactlyWithKChannels() {
        INDArray w = planted(42, 20, 16, 5, 6);
        Factorization f = extension().decompose(w, SeparableParams.ofRank(6));
        assertEquals(Factorization.CONV_SEPARABLE, f.layout());
        assertArrayEquals(new long[] {6, 16, 5, 1}, f.factors().get(0).shape(), "V [K, in, kh, 1]");
        assertArrayEquals(new long[] {20, 6, 1, 5}, f.factors().get(1).shape(), "H [out, K, 1, kw]");
        assertTrue(relativeError(extension().reconstruct(f), w) < 1e-5);
        assertTrue(relativeError(extension().reconstruct(extension().decompose(w, SeparableParams.ofRank(5))), w)
                > 1e-2, "K = 5 cannot reproduce a K = 6 kernel");
        assertEquals(6, extension().decompose(w, new SeparableParams(null, 0.99999)).factors().get(0).size(0),
                "the energy rule finds K");
    }

    /** The reconstruction written out element by element on a tiny kernel (a fixture of 2*3*2*2 values). */
    @Test
    void theFactorsMeanVerticalThenHorizontal() {
        INDArray v = Nd4j.arange(1, 7).castTo(DataType.FLOAT).reshape('c', 1, 3, 2, 1); // K = 1, in 3, kh 2
        INDArray h = Nd4j.createFromArray(new float[] {1, -1, 2, 0.5f}).reshape('c', 2, 1, 1, 2); // out 2, kw 2
        INDArray w = SeparableKernels.reconstruct(v, h);
        assertArrayEquals(new long[] {2, 3, 2, 2}, w.shape());
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 3; i++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 2; x++) {
                        assertEquals(h.getFloat(o, 0, 0, x) * v.getFloat(0, i, y, 0), w.getFloat(o, i, y, x), 1e-6f);
                    }
                }
            }
        }
    }

    @Test
    void aOneByOneConvAndBadRanksAreRejectedWithAClearMessage() {
        IllegalArgumentException pointwise = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(Nd4j.ones(DataType.FLOAT, 8, 4, 1, 1), SeparableParams.ofRank(2)));
        assertTrue(pointwise.getMessage().contains("a 1x1 kernel [8, 4, 1, 1]"), pointwise.getMessage());
        IllegalArgumentException tooHigh = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(planted(1, 8, 4, 3, 2), SeparableParams.ofRank(13)));
        assertTrue(tooHigh.getMessage().contains("rank 13 exceeds the full rank min(in kh, out kw) = 12"),
                tooHigh.getMessage());
        assertEquals(Factorization.CONV_SEPARABLE, extension().layout());
        assertEquals(SeparableParams.ofRank(4), extension().withRanks(SeparableParams.ofRank(2), new long[] {4}));
    }
}
