package dev.condense.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.data.Dataset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code data.fraction}: rows cut together, seeded, nested across fractions; validation and test untouched. */
class TrainingFractionTest {

    /** 40 training rows; row i has features [i, 2i] as a [1, 2] map, label i mod 3 and rationale (i + 1, 0). */
    private static Dataset planted() {
        int n = 40;
        INDArray x = Nd4j.create(DataType.FLOAT, n, 1, 2);
        INDArray y = Nd4j.create(DataType.FLOAT, n);
        INDArray r = Nd4j.create(DataType.FLOAT, n, 2);
        for (int i = 0; i < n; i++) {
            x.putScalar(new long[] {i, 0, 0}, i);
            x.putScalar(new long[] {i, 0, 1}, 2 * i);
            y.putScalar(i, i % 3);
            r.putScalar(new long[] {i, 0}, i + 1);
        }
        DataSplit held = new DataSplit(Nd4j.zeros(DataType.FLOAT, 5, 1, 2), Nd4j.zeros(DataType.FLOAT, 5));
        return new Dataset("planted", new DataSplit(x, y, r), held, held, 3, "x");
    }

    private static Set<Integer> rows(Dataset d) {
        Set<Integer> out = new HashSet<>();
        DataSplit t = d.train();
        for (int k = 0; k < t.size(); k++) {
            int i = (int) t.features().getFloat(k, 0, 0);
            assertEquals(2f * i, t.features().getFloat(k, 0, 1), "features stay whole");
            assertEquals(i % 3, t.labels().getFloat(k), "labels follow their rows");
            assertEquals(i + 1, t.rationales().getFloat(k, 0), "rationales follow their rows");
            out.add(i);
        }
        return out;
    }

    @Test
    void aFractionIsASeededNestedSubsetOfWholeRows() {
        Dataset d = planted();
        Dataset quarter = TrainingFraction.of(d, 0.25, 7);
        Dataset half = TrainingFraction.of(d, 0.5, 7);
        assertEquals(10, quarter.train().size());
        assertEquals(20, half.train().size());
        Set<Integer> q = rows(quarter);
        assertEquals(10, q.size(), "no row twice");
        assertTrue(rows(half).containsAll(q), "a smaller fraction's rows are in a larger one's");
        assertEquals(q, rows(TrainingFraction.of(d, 0.25, 7)), "the same seed gives the same rows");
        assertTrue(!q.equals(rows(TrainingFraction.of(d, 0.25, 8))), "another seed, other rows");
        assertSame(d.validation(), quarter.validation());
        assertSame(d.test(), quarter.test());
        assertSame(d, TrainingFraction.of(d, 1.0, 7), "the whole set is the set");
    }
}
