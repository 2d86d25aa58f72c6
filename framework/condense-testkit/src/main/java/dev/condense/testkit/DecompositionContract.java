package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Contract tests for {@link Decomposition}s, on a planted weight whose exact rank is known: the reconstruction has
 * the weight's shape, recovers an exactly low-rank weight to float32 rounding when the params allow that rank, the
 * factors at that rank hold fewer values than the weight, neither decomposing nor reconstructing mutates its input,
 * and decomposing is deterministic.
 *
 * @param <P> the decomposition's params record
 */
public abstract class DecompositionContract<P extends Record> extends ExtensionContract<Decomposition<P>> {

    /** Params that keep at least {@link #plantedRank()} components. */
    @Override
    protected abstract P params();

    /** The exact rank of {@link #plantedWeight()}; 2 by default. */
    protected int plantedRank() {
        return 2;
    }

    /** A {@code [12, 9]} matrix of exact rank {@link #plantedRank()}: a product of seeded {@code [12, r]} and {@code [r, 9]}. */
    protected INDArray plantedWeight() {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(11);
        INDArray a = Nd4j.randn(rng, new long[] {12, plantedRank()}).castTo(DataType.FLOAT);
        INDArray b = Nd4j.randn(rng, new long[] {plantedRank(), 9}).castTo(DataType.FLOAT);
        return a.mmul(b);
    }

    @Test
    void reconstructsAnExactlyLowRankWeight() {
        INDArray w = plantedWeight();
        INDArray copy = w.dup();
        Factorization f = extension().decompose(w, params());
        INDArray back = extension().reconstruct(f);
        assertArrayEquals(w.shape(), back.shape());
        double rel = back.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
        assertTrue(rel < 1e-4, "relative reconstruction error " + rel);
        assertEquals(copy, w, "decompose mutated the weight");
    }

    @Test
    void factorsAtThePlantedRankAreSmallerThanTheWeight() {
        INDArray w = plantedWeight();
        Factorization f = extension().decompose(w, params());
        long values = f.factors().stream().mapToLong(INDArray::length).sum();
        assertTrue(values < w.length(), f.layout() + ": " + values + " factor values for a weight of " + w.length());
        for (INDArray factor : f.factors()) {
            assertTrue(factor.rank() >= 1 && factor.length() > 0, "an empty factor in layout " + f.layout());
        }
    }

    @Test
    void reconstructingDoesNotMutateTheFactors() {
        Factorization f = extension().decompose(plantedWeight(), params());
        java.util.List<INDArray> copies = f.factors().stream().map(INDArray::dup).toList();
        extension().reconstruct(f);
        for (int i = 0; i < copies.size(); i++) {
            assertEquals(copies.get(i), f.factors().get(i), "reconstruct mutated factor " + i);
        }
    }

    @Test
    void decomposingIsDeterministic() {
        Factorization a = extension().decompose(plantedWeight(), params());
        Factorization b = extension().decompose(plantedWeight(), params());
        assertEquals(extension().reconstruct(a), extension().reconstruct(b));
    }
}
