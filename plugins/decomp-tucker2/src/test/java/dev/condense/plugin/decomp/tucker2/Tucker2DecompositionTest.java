package dev.condense.plugin.decomp.tucker2;

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

class Tucker2DecompositionTest extends DecompositionContract<Tucker2Params> {

    @Override
    protected Decomposition<Tucker2Params> extension() {
        return new Tucker2Decomposition();
    }

    @Override
    protected Tucker2Params params() {
        return Tucker2Params.ofRanks(2, 3);
    }

    /** The contract's planted weight: a [12, 9, 3, 3] kernel of exact multilinear rank (r1, r2) = (2, 3). */
    @Override
    protected INDArray plantedWeight() {
        return planted(11, 12, 9, 3, 2, 3);
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new Tucker2Params(4, null, null, null, null), () -> new Tucker2Params(4, 4, 0.9, null, null),
                () -> Tucker2Params.ofRanks(0, 4), () -> Tucker2Params.ofEnergy(0.0),
                () -> Tucker2Params.ofEnergy(1.5), () -> new Tucker2Params(null, null, null, false, null),
                () -> new Tucker2Params(2, 2, null, null, -1));
    }

    /**
     * A seeded kernel {@code [out, in, k, k]} of exact multilinear rank (r1, r2): a random core {@code [r2, r1, k, k]}
     * times random (not orthonormal) {@code A_out [out, r2]} and {@code A_in [in, r1]}.
     */
    static INDArray planted(long seed, long out, long in, long k, int r1, int r2) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray core = Nd4j.randn(rng, new long[] {r2, r1, k, k}).castTo(DataType.FLOAT);
        INDArray aIn = Nd4j.randn(rng, new long[] {in, r1}).castTo(DataType.FLOAT);
        INDArray aOut = Nd4j.randn(rng, new long[] {out, r2}).castTo(DataType.FLOAT);
        return Tucker2.reconstruct(aIn, core, aOut);
    }

    private static double relativeError(INDArray approx, INDArray w) {
        return approx.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
    }

    @Test
    void aPlantedRank6By10KernelIsReconstructedExactlyWithFactorsOfThoseRanks() {
        INDArray w = planted(42, 32, 24, 3, 6, 10);
        Factorization f = extension().decompose(w, Tucker2Params.ofRanks(6, 10));
        assertEquals(Factorization.CONV_TUCKER2, f.layout());
        assertArrayEquals(new long[] {24, 6}, f.factors().get(0).shape(), "U_in [in, r1]");
        assertArrayEquals(new long[] {10, 6, 3, 3}, f.factors().get(1).shape(), "core [r2, r1, k, k]");
        assertArrayEquals(new long[] {32, 10}, f.factors().get(2).shape(), "U_out [out, r2]");
        double rel = relativeError(extension().reconstruct(f), w);
        assertTrue(rel < 1e-5, "relative error at the planted ranks " + rel);
        INDArray eye = Nd4j.eye(6).castTo(DataType.FLOAT);
        assertTrue(f.factors().get(0).transpose().mmul(f.factors().get(0)).equalsWithEps(eye, 1e-5), "U_in orthonormal");
        double below = relativeError(extension().reconstruct(extension().decompose(w, Tucker2Params.ofRanks(5, 10))), w);
        assertTrue(below > 1e-2, "r1 = 5 cannot reproduce multilinear rank 6, relative error " + below);
    }

    /**
     * A 128-channel planted kernel: ND4J's OpenBLAS 0.3.19 under {@code OPENBLAS_CORETYPE=SkylakeX} (the build's
     * test setting on AVX-512 machines) got double-precision eigenvectors wrong from about 96 rows up (measured at 96,
     * 128 and 256 rows), which the 24-channel fixtures cannot show; this one has 112 and 128 channels.
     */
    @Test
    void aWidePlantedKernelIsReconstructedExactly() {
        INDArray w = planted(13, 128, 112, 3, 20, 24);
        double rel = relativeError(extension().reconstruct(extension().decompose(w, Tucker2Params.ofRanks(20, 24))), w);
        assertTrue(rel < 1e-4, "relative error at the planted ranks " + rel);
        LeadingSubspace.Subspace s = LeadingSubspace.of(Tucker2.unfoldIn(w), 20);
        INDArray gram = Tucker2.unfoldIn(w).mmul(Tucker2.unfoldIn(w).transpose());
        INDArray v = s.vectors();
        INDArray lambda = s.values().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20)).castTo(DataType.FLOAT);
        INDArray residual = gram.mmul(v).sub(v.mulRowVector(lambda.mul(lambda).reshape(1, 20)));
        assertTrue(residual.amaxNumber().doubleValue() < 1e-4 * gram.amaxNumber().doubleValue(),
                "G V = V diag(s^2), residual " + residual.amaxNumber());
    }

    /** HOOI never does worse than the HOSVD it starts from, and on a generic kernel it does strictly better. */
    @Test
    void hooiImprovesOnTheTruncatedHosvd() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {16, 12, 3, 3})
                .castTo(DataType.FLOAT);
        double hosvd = relativeError(extension().reconstruct(extension().decompose(w,
                new Tucker2Params(4, 5, null, null, 0))), w);
        double hooi = relativeError(extension().reconstruct(extension().decompose(w,
                new Tucker2Params(4, 5, null, null, 30))), w);
        assertTrue(hooi < hosvd - 1e-4, "HOOI " + hooi + " against HOSVD " + hosvd);
        Tucker2.Result t = Tucker2.decompose(w, 4, 5, 30, 1e-7);
        double core = t.core().norm2Number().doubleValue();
        double norm = w.norm2Number().doubleValue();
        assertEquals(Math.sqrt(norm * norm - core * core) / norm, hooi, 1e-3, "||W - W_hat||^2 = ||W||^2 - ||G||^2");
    }

    @Test
    void energyAndVbmfPickThePlantedRanks() {
        INDArray w = planted(7, 32, 24, 3, 6, 10);
        Factorization e = extension().decompose(w, Tucker2Params.ofEnergy(0.99999));
        assertEquals(6, e.factors().get(0).size(1), "r1 by energy");
        assertEquals(10, e.factors().get(2).size(1), "r2 by energy");
        // VBMF separates a planted signal from small isotropic noise.
        INDArray noisy = w.add(Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), w.shape())
                .castTo(DataType.FLOAT).muli(0.01 * w.norm2Number().doubleValue() / Math.sqrt(w.length())));
        Factorization v = extension().decompose(noisy, Tucker2Params.ofVbmf());
        assertEquals(6, v.factors().get(0).size(1), "r1 by VBMF");
        assertEquals(10, v.factors().get(2).size(1), "r2 by VBMF");
        double rel = relativeError(extension().reconstruct(v), w);
        assertTrue(rel < 0.02, "the VBMF-rank reconstruction is near the noise-free kernel: " + rel);
    }

    @Test
    void vbmfKeepsNothingOfPureNoiseAndThePlantedRankOfSignalPlusNoise() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(3);
        INDArray noise = Nd4j.randn(rng, new long[] {20, 200});
        assertEquals(0, Vbmf.rank(LeadingSubspace.of(noise, 1).values().toDoubleVector(), 20, 200),
                "i.i.d. Gaussian noise has no signal component");
        INDArray signal = Nd4j.randn(rng, new long[] {20, 5}).mmul(Nd4j.randn(rng, new long[] {5, 200}));
        double[] s = LeadingSubspace.of(signal.add(noise.mul(0.3)), 1).values().toDoubleVector();
        assertEquals(5, Vbmf.rank(s, 20, 200), "a rank-5 signal above the noise");
        assertEquals(5, Vbmf.rank(s, 200, 20), "the transposed matrix");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        INDArray w = planted(1, 8, 4, 3, 2, 2);
        IllegalArgumentException tooHigh = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(w, Tucker2Params.ofRanks(5, 2)));
        assertTrue(tooHigh.getMessage().contains("rank-in 5") && tooHigh.getMessage().contains("[8, 4, 3, 3]"),
                tooHigh.getMessage());
        IllegalArgumentException matrix = assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(Nd4j.zeros(DataType.FLOAT, 8, 4), Tucker2Params.ofRanks(2, 2)));
        assertTrue(matrix.getMessage().contains("[8, 4]"), matrix.getMessage());
        assertThrows(IllegalArgumentException.class, () -> extension().reconstruct(
                new Factorization(List.of(w), Factorization.GEMM_UV)));
        assertEquals(Factorization.CONV_TUCKER2, extension().layout());
        assertEquals(Tucker2Params.ofVbmf(), new Tucker2Params(null, null, null, null, null), "no rule: VBMF");
        assertEquals(Tucker2Params.ofRanks(3, 4), extension().withRanks(Tucker2Params.ofEnergy(0.5), new long[] {3, 4}));
    }
}
