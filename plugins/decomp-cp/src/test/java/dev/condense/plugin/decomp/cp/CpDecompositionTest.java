package dev.condense.plugin.decomp.cp;

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

class CpDecompositionTest extends DecompositionContract<CpParams> {

    @Override
    protected Decomposition<CpParams> extension() {
        return new CpDecomposition();
    }

    @Override
    protected CpParams params() {
        return new CpParams(3, 200, 1L);
    }

    /** The contract's planted weight: a [12, 9, 3, 3] kernel of exact CP rank 3. */
    @Override
    protected INDArray plantedWeight() {
        return planted(11, 12, 9, 3, 3);
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new CpParams(null, null, null), () -> CpParams.ofRank(0),
                () -> new CpParams(4, 0, null));
    }

    /** A seeded kernel {@code [out, in, k, k]} of exact CP rank r: a sum of r outer products of Gaussian vectors. */
    static INDArray planted(long seed, long out, long in, long k, int r) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray[] f = new INDArray[4];
        long[] dims = {out, in, k, k};
        for (int m = 0; m < 4; m++) {
            f[m] = Nd4j.randn(rng, new long[] {dims[m], r}).castTo(DataType.FLOAT);
        }
        return CpAls.reconstruct(f, Nd4j.ones(DataType.FLOAT, r));
    }

    private static double relativeError(INDArray approx, INDArray w) {
        return approx.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
    }

    @Test
    void aPlantedRank5KernelIsRecoveredWithFactorsOfThatRank() {
        INDArray w = planted(42, 16, 12, 3, 5);
        Factorization f = extension().decompose(w, new CpParams(5, 300, 3L));
        assertEquals(Factorization.CONV_CP, f.layout());
        assertArrayEquals(new long[] {12, 5}, f.factors().get(0).shape(), "U_in [in, R]");
        assertArrayEquals(new long[] {3, 5}, f.factors().get(1).shape(), "K_y [kh, R]");
        assertArrayEquals(new long[] {3, 5}, f.factors().get(2).shape(), "K_x [kw, R]");
        assertArrayEquals(new long[] {16, 5}, f.factors().get(3).shape(), "U_out [out, R]");
        double rel = relativeError(extension().reconstruct(f), w);
        assertTrue(rel < 1e-4, "relative error at the planted rank " + rel);
        double below = relativeError(extension().reconstruct(extension().decompose(w, new CpParams(3, 300, 3L))), w);
        assertTrue(below > 1e-2, "rank 3 cannot reproduce CP rank 5, relative error " + below);
    }

    @Test
    void moreSweepsNeverHurtMuchAndTheSeedFixesTheResult() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {8, 6, 3, 3})
                .castTo(DataType.FLOAT);
        double few = relativeError(extension().reconstruct(extension().decompose(w, new CpParams(6, 2, 0L))), w);
        double many = relativeError(extension().reconstruct(extension().decompose(w, new CpParams(6, 100, 0L))), w);
        assertTrue(many < few, "100 sweeps " + many + " against 2 " + few);
        assertEquals(extension().reconstruct(extension().decompose(w, new CpParams(6, 10, 9L))),
                extension().reconstruct(extension().decompose(w, new CpParams(6, 10, 9L))));
    }

    @Test
    void theKhatriRaoProductAndUnfoldingsMatchTheirDefinitions() {
        INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        INDArray b = Nd4j.createFromArray(new float[][] {{5, 6}, {7, 8}, {9, 10}});
        INDArray kr = CpAls.khatriRao(a, b);
        assertEquals(Nd4j.createFromArray(new float[][] {{5, 12}, {7, 16}, {9, 20}, {15, 24}, {21, 32}, {27, 40}}), kr);
        INDArray t = Nd4j.arange(24).castTo(DataType.FLOAT).reshape('c', 2, 3, 2, 2);
        INDArray u1 = CpAls.unfold(t, 1);
        assertArrayEquals(new long[] {3, 8}, u1.shape());
        assertEquals(t.getFloat(1, 2, 0, 1), u1.getFloat(2, 4 + 1), "W[1, 2, 0, 1] at row 2, column 1*4 + 0*2 + 1");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        IllegalArgumentException tooHigh = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(Nd4j.zeros(DataType.FLOAT, 4, 2, 1, 1), CpParams.ofRank(3)));
        assertTrue(tooHigh.getMessage().contains("rank 3 exceeds 2"), tooHigh.getMessage());
        IllegalArgumentException matrix = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(Nd4j.zeros(DataType.FLOAT, 8, 4), CpParams.ofRank(2)));
        assertTrue(matrix.getMessage().contains("[8, 4]"), matrix.getMessage());
        assertEquals(Factorization.CONV_CP, extension().layout());
        assertEquals(new CpParams(7, 9, 2L), extension().withRanks(new CpParams(3, 9, 2L), new long[] {7}));
    }
}
