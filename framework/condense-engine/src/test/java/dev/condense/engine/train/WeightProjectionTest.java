package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class WeightProjectionTest {
    private static final TrainSpec SPEC = new TrainSpec(2, 32, OptimizerSpec.adam(1e-2), 0);
    private static final INDArray CENTROIDS = Nd4j.createFromArray(-0.4f, 0f, 0.4f);

    /** Weight sharing: every weight snapped to its nearest centroid (distances [n, K], argmin, row gather). */
    static void snap(INDArray w) {
        long n = w.length();
        long k = CENTROIDS.length();
        INDArray d = Transforms.abs(w.reshape(n, 1).repeat(1, k).sub(CENTROIDS.reshape(1, k).repeat(0, n)));
        int[] nearest = Nd4j.argMin(d, 1).toIntVector();
        w.assign(Nd4j.pullRows(CENTROIDS.reshape(k, 1), 1, nearest).reshape(w.shape()));
    }

    /** After training with the projection, fc1's weights take only centroid values, and not all the same one. */
    @Test
    void projectedWeightsStayOnTheCodebook() {
        ModelGraph g = mlp(3);
        var r = Trainer.fit(g, planted(256, 1), 2, SPEC, 5, Trainer.CROSS_ENTROPY,
                List.of(new WeightProjection(Map.of("fc1.weight", WeightProjectionTest::snap))));
        INDArray w = r.graph().initializers().get("fc1.weight");
        INDArray snapped = w.dup();
        snap(snapped);
        assertEquals(snapped, w);
        assertTrue(w.maxNumber().floatValue() > w.minNumber().floatValue(), "more than one centroid used");
        assertTrue(!r.graph().initializers().get("fc2.weight").equals(g.initializers().get("fc2.weight")));
        INDArray free = r.graph().initializers().get("fc2.weight").dup();
        INDArray freeSnapped = free.dup();
        snap(freeSnapped);
        assertTrue(!free.equals(freeSnapped), "an unprojected weight is not on the codebook");
    }

    @Test
    void anUnknownWeightIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(mlp(3), planted(32, 1), 2, SPEC, 5,
                Trainer.CROSS_ENTROPY, List.of(new WeightProjection(Map.of("fc7.weight", WeightProjectionTest::snap)))));
        assertTrue(e.getMessage().contains("cannot project 'fc7.weight'"), e.getMessage());
    }
}
