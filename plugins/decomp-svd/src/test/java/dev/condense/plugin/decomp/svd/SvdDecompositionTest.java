package dev.condense.plugin.decomp.svd;

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
import org.nd4j.linalg.factory.Nd4j;

class SvdDecompositionTest extends DecompositionContract<SvdParams> {

    @Override
    protected Decomposition<SvdParams> extension() {
        return new SvdDecomposition();
    }

    @Override
    protected SvdParams params() {
        return SvdParams.ofRank(2);
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new SvdParams(null, null), () -> new SvdParams(2, 0.9), () -> SvdParams.ofRank(0),
                () -> SvdParams.ofEnergy(0.0), () -> SvdParams.ofEnergy(1.5), () -> SvdParams.ofEnergy(Double.NaN));
    }

    /** An exactly rank-3 {@code [20, 30]} matrix: seeded {@code [20, 3] x [3, 30]}. */
    private static INDArray rank3() {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(42);
        INDArray a = Nd4j.randn(rng, new long[] {20, 3}).castTo(DataType.FLOAT);
        INDArray b = Nd4j.randn(rng, new long[] {3, 30}).castTo(DataType.FLOAT);
        return a.mmul(b);
    }

    private static double relativeError(INDArray approx, INDArray w) {
        return approx.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
    }

    @Test
    void aPlantedRank3MatrixIsReconstructedExactlyAtRank3WithFactorsOfThatRank() {
        INDArray w = rank3();
        Factorization f = extension().decompose(w, SvdParams.ofRank(3));
        assertEquals(Factorization.GEMM_UV, f.layout());
        assertArrayEquals(new long[] {3, 30}, f.factors().get(0).shape(), "V [r, in]");
        assertArrayEquals(new long[] {20, 3}, f.factors().get(1).shape(), "U [out, r]");
        double rel = relativeError(extension().reconstruct(f), w);
        assertTrue(rel < 1e-5, "relative error at the planted rank " + rel);
        double below = relativeError(extension().reconstruct(extension().decompose(w, SvdParams.ofRank(2))), w);
        assertTrue(below > 1e-2, "rank 2 cannot reproduce a rank-3 matrix, relative error " + below);
    }

    @Test
    void theEnergyRulePicksThePlantedRank() {
        INDArray w = rank3();
        INDArray s = TruncatedSvd.thin(w).s().castTo(DataType.DOUBLE);
        double total = s.mul(s).sumNumber().doubleValue();
        double third = s.getDouble(2) * s.getDouble(2) / total;
        assertTrue(third > 1e-3, "fixture: the third component holds " + third + " of the energy");
        assertTrue(s.getDouble(3) / s.getDouble(0) < 1e-5, "fixture: singular values beyond 3 are rounding, "
                + s.getDouble(3) / s.getDouble(0));
        for (double energy : new double[] {0.9999, 1 - third / 2}) {
            Factorization f = extension().decompose(w, SvdParams.ofEnergy(energy));
            assertEquals(3, f.factors().get(0).size(0), "energy " + energy);
        }
        double first = s.getDouble(0) * s.getDouble(0) / total;
        assertEquals(1, TruncatedSvd.rankForEnergy(s, first), "exactly the first component's share");
        assertEquals(2, TruncatedSvd.rankForEnergy(s, first + 1e-9), "just above it");
    }

    @Test
    void theThinSvdIsAnOrthonormalFactorizationWithDescendingValues() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), new long[] {17, 11})
                .castTo(DataType.FLOAT);
        TruncatedSvd.Svd svd = TruncatedSvd.thin(w);
        assertArrayEquals(new long[] {17, 11}, svd.u().shape());
        assertArrayEquals(new long[] {11}, svd.s().shape());
        assertArrayEquals(new long[] {11, 11}, svd.vt().shape());
        INDArray eye = Nd4j.eye(11).castTo(DataType.FLOAT);
        assertTrue(svd.u().transpose().mmul(svd.u()).equalsWithEps(eye, 1e-5), "U^T U = I");
        assertTrue(svd.vt().mmul(svd.vt().transpose()).equalsWithEps(eye, 1e-5), "Vt Vt^T = I");
        INDArray product = svd.u().mulRowVector(svd.s().reshape(1, 11)).mmul(svd.vt());
        assertTrue(relativeError(product, w) < 1e-5, "U diag(s) Vt = W");
        INDArray diff = svd.s().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10))
                .sub(svd.s().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 11)));
        assertTrue(diff.minNumber().doubleValue() >= 0, "descending singular values");
    }

    /** Eckart-Young: the rank-r truncation's Frobenius error is the norm of the dropped singular values. */
    @Test
    void truncationErrorIsTheNormOfTheDroppedSingularValues() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(8), new long[] {30, 24})
                .castTo(DataType.FLOAT);
        TruncatedSvd.Svd svd = TruncatedSvd.thin(w);
        for (int r : new int[] {1, 5, 23}) {
            INDArray back = extension().reconstruct(extension().decompose(w, SvdParams.ofRank(r)));
            INDArray tail = svd.s().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r, 24));
            double expected = tail.norm2Number().doubleValue();
            double actual = back.sub(w).norm2Number().doubleValue();
            assertEquals(expected, actual, 1e-4 * w.norm2Number().doubleValue(), "rank " + r);
        }
    }

    @Test
    void aDiagonalMatrixHasItsEntriesAsSingularValues() {
        INDArray w = Nd4j.zeros(DataType.FLOAT, 4, 6);
        float[] d = {1f, 4f, 2f, 3f};
        for (int i = 0; i < 4; i++) {
            w.putScalar(i, (i + 2) % 6, d[i]);
        }
        assertArrayEquals(new float[] {4f, 3f, 2f, 1f}, TruncatedSvd.thin(w).s().toFloatVector(), 1e-6f);
    }

    @Test
    void badInputIsRejectedWithALocatedMessage() {
        INDArray w = rank3();
        IllegalArgumentException tooHigh = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(w, SvdParams.ofRank(21)));
        assertTrue(tooHigh.getMessage().contains("rank 21") && tooHigh.getMessage().contains("20"),
                tooHigh.getMessage());
        IllegalArgumentException conv = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(Nd4j.zeros(DataType.FLOAT, 8, 4, 3, 3), SvdParams.ofRank(2)));
        assertTrue(conv.getMessage().contains("[8, 4, 3, 3]"), conv.getMessage());
        assertThrows(IllegalArgumentException.class, () -> extension().reconstruct(
                new Factorization(List.of(w), "conv-tucker2")));
        assertEquals(SvdParams.ofRank(7), extension().withRanks(SvdParams.ofEnergy(0.5), new long[] {7}),
                "a MAC budget's rank replaces the rule");
        assertThrows(IllegalArgumentException.class, () -> extension().withRanks(SvdParams.ofRank(2), new long[] {1, 2}));
    }

    @Test
    void anAllZeroWeightKeepsRankOne() {
        Factorization f = extension().decompose(Nd4j.zeros(DataType.FLOAT, 5, 7), SvdParams.ofEnergy(0.9));
        assertEquals(1, f.factors().get(0).size(0));
        assertEquals(0.0, extension().reconstruct(f).norm2Number().doubleValue());
    }
}
