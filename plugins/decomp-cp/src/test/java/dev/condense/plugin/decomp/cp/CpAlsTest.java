package dev.condense.plugin.decomp.cp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;

class CpAlsTest {

    /**
     * Textbook CP-ALS (Kolda and Bader 2009, figure 3.3) on the same seeded start: for each mode the explicit unfolding
     * times the explicit Khatri-Rao product of the other factors, times the inverse of the Hadamard product of their
     * Gram matrices, then normalized columns.
     */
    private static CpAls.Result textbook(INDArray w, int r, int sweeps, long seed) {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray[] f = new INDArray[4];
        for (int m = 0; m < 4; m++) {
            f[m] = Nd4j.randn(rng, new long[] {w.size(m), r}).castTo(DataType.FLOAT);
        }
        INDArray lambda = null;
        for (int s = 0; s < sweeps; s++) {
            for (int m = 0; m < 4; m++) {
                INDArray kr = null;
                INDArray gram = Nd4j.ones(DataType.FLOAT, r, r);
                for (int j = 0; j < 4; j++) {
                    if (j != m) {
                        kr = kr == null ? f[j] : CpAls.khatriRao(kr, f[j]);
                        gram.muli(f[j].transpose().mmul(f[j]));
                    }
                }
                INDArray a = CpAls.unfold(w, m).mmul(kr).mmul(InvertMatrix.invert(gram, false));
                lambda = a.norm2(0);
                f[m] = a.divRowVector(lambda.reshape(1, r));
            }
        }
        return new CpAls.Result(f, lambda);
    }

    @Test
    void theRegroupedSweepsGiveTheTextbookIterates() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(8), new long[] {7, 5, 3, 2})
                .castTo(DataType.FLOAT);
        CpAls.Result fast = CpAls.decompose(w, 4, 3, 21L);
        CpAls.Result slow = textbook(w, 4, 3, 21L);
        for (int m = 0; m < 4; m++) {
            double diff = fast.factors()[m].sub(slow.factors()[m]).norm2Number().doubleValue();
            assertTrue(diff < 1e-3, "mode " + m + ": |fast - textbook| = " + diff);
        }
        assertEquals(0, fast.lambda().sub(slow.lambda()).norm2Number().doubleValue()
                / slow.lambda().norm2Number().doubleValue(), 1e-4);
    }

    @Test
    void aSingularSystemFallsBackToTheLeastNormSolution() {
        // G = v v^T (rank one, not positive definite): sposv fails, the pseudo-inverse gives B G^+ = (B v) v^T / |v|^4
        INDArray v = Nd4j.createFromArray(new float[] {1, 2, 2});
        INDArray g = v.reshape(3, 1).mmul(v.reshape(1, 3));
        INDArray b = Nd4j.createFromArray(new float[][] {{9, 18, 18}, {1, 2, 2}});
        INDArray x = CpSolve.solve(g, b);
        INDArray expected = b.mmul(v.reshape(3, 1)).mmul(v.reshape(1, 3)).div(81);
        assertEquals(0, x.sub(expected).norm2Number().doubleValue(), 1e-5);
        // and a positive definite one through the Cholesky path: x G = b
        INDArray spd = Nd4j.createFromArray(new float[][] {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}});
        INDArray y = CpSolve.solve(spd, b);
        assertEquals(0, y.mmul(spd).sub(b).norm2Number().doubleValue(), 1e-4);
    }
}
