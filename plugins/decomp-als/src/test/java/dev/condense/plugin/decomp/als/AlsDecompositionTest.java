package dev.condense.plugin.decomp.als;

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

class AlsDecompositionTest extends DecompositionContract<AlsParams> {

    @Override
    protected Decomposition<AlsParams> extension() {
        return new AlsDecomposition();
    }

    /** Nearly unregularized, enough rounds to converge on the contract's planted rank-2 matrix. */
    @Override
    protected AlsParams params() {
        return new AlsParams(2, 1e-8, 100, 3L);
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new AlsParams(null, null, null, null), () -> AlsParams.ofRank(0),
                () -> new AlsParams(2, -1.0, null, null), () -> new AlsParams(2, Double.NaN, null, null),
                () -> new AlsParams(2, Double.POSITIVE_INFINITY, null, null), () -> new AlsParams(2, null, 0, null),
                () -> new AlsParams(2, null, 1001, null));
    }

    /** A seeded {@code [20, 30]} matrix: exactly rank 3 plus, when {@code noise > 0}, full-rank noise. */
    private static INDArray planted(double noise) {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(42);
        INDArray a = Nd4j.randn(rng, new long[] {20, 3}).castTo(DataType.FLOAT);
        INDArray b = Nd4j.randn(rng, new long[] {3, 30}).castTo(DataType.FLOAT);
        INDArray n = Nd4j.randn(rng, new long[] {20, 30}).castTo(DataType.FLOAT).muli(noise);
        return a.mmul(b).addi(n);
    }

    private static double relativeError(INDArray approx, INDArray w) {
        return approx.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
    }

    @Test
    void aPlantedRank3MatrixIsRecoveredAtRank3AndNotAtRank2() {
        INDArray w = planted(0);
        Factorization f = extension().decompose(w, new AlsParams(3, 1e-8, 100, 1L));
        assertEquals(Factorization.GEMM_UV, f.layout());
        assertArrayEquals(new long[] {3, 30}, f.factors().get(0).shape(), "V [r, in]");
        assertArrayEquals(new long[] {20, 3}, f.factors().get(1).shape(), "U [out, r]");
        assertTrue(relativeError(extension().reconstruct(f), w) < 1e-4);
        double below = relativeError(extension().reconstruct(extension().decompose(w, new AlsParams(2, 1e-8, 100,
                1L))), w);
        assertTrue(below > 1e-2, "rank 2 cannot reproduce a rank-3 matrix, relative error " + below);
    }

    /** Each half-step minimizes exactly, so the objective never rises (float64, up to rounding). */
    @Test
    void theObjectiveNeverIncreases() {
        double[] f = RidgeAls.factorize(planted(0.3), 4, 0.5, 25, 7L).objective();
        for (int i = 1; i < f.length; i++) {
            assertTrue(f[i] <= f[i - 1] * (1 + 1e-12), "round " + i + ": " + f[i - 1] + " -> " + f[i]);
        }
        assertTrue(f[f.length - 1] < f[0], "it descends: " + f[0] + " -> " + f[f.length - 1]);
    }

    /** After the V solve the gradient in V, {@code -2 U^T (W - U V) + 2 lambda V}, is zero. */
    @Test
    void theLastVStepIsTheRidgeSolution() {
        INDArray w = planted(0.3);
        double lambda = 0.5;
        RidgeAls.Result r = RidgeAls.factorize(w, 4, lambda, 5, 7L);
        INDArray u = r.u().castTo(DataType.DOUBLE);
        INDArray v = r.v().castTo(DataType.DOUBLE);
        INDArray residual = w.castTo(DataType.DOUBLE).sub(u.mmul(v));
        INDArray gradient = u.transpose().mmul(residual).muli(-2).addi(v.mul(2 * lambda));
        double scale = u.transpose().mmul(w.castTo(DataType.DOUBLE)).norm2Number().doubleValue();
        assertTrue(gradient.norm2Number().doubleValue() < 1e-4 * scale, "gradient " + gradient.norm2Number());
    }

    /** More ridge weight, smaller factors; near lambda 0 the product approaches the best rank-r fit. */
    @Test
    void lambdaShrinksTheFactors() {
        INDArray w = planted(0.3);
        double small = norms(RidgeAls.factorize(w, 3, 1e-6, 60, 2L));
        double large = norms(RidgeAls.factorize(w, 3, 50, 60, 2L));
        assertTrue(large < small, "||U||^2 + ||V||^2: lambda 50 " + large + ", lambda 1e-6 " + small);
    }

    private static double norms(RidgeAls.Result r) {
        return Math.pow(r.u().norm2Number().doubleValue(), 2) + Math.pow(r.v().norm2Number().doubleValue(), 2);
    }

    @Test
    void aMacBudgetsRankReplacesTheRankAndKeepsTheRest() {
        assertEquals(new AlsParams(7, 0.5, 12, 4L),
                extension().withRanks(new AlsParams(2, 0.5, 12, 4L), new long[] {7}));
        assertThrows(IllegalArgumentException.class,
                () -> extension().withRanks(AlsParams.ofRank(2), new long[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> extension().withRanks(AlsParams.ofRank(2), new long[] {0}),
                "the replaced rank is validated as a given one");
    }

    @Test
    void aRankAboveTheFullRankOrATensorIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> extension().decompose(planted(0), AlsParams.ofRank(21)));
        assertThrows(IllegalArgumentException.class,
                () -> extension().decompose(Nd4j.ones(DataType.FLOAT, 2, 3, 4), AlsParams.ofRank(1)));
    }
}
