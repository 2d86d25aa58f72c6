package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.accuracy;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Shared-weight training of the tiny MLP's fc1 weight on 4 clusters (one of them the zero of pruned weights). */
class SharedWeightsTest {

    /** fc1.weight snapped to 4 centroids {-0.4, 0, 0.2, 0.5}: by thresholds between them. */
    private static Codebook book(INDArray w) {
        INDArray centroids = Nd4j.createFromArray(-0.4f, 0f, 0.2f, 0.5f);
        INDArray idx = w.gte(-0.2).castTo(DataType.INT32).add(w.gte(0.1).castTo(DataType.INT32))
                .add(w.gte(0.35).castTo(DataType.INT32)); // thresholds passed: the cluster
        return new Codebook(centroids, idx);
    }

    @Test
    void clustersStaySharedTheirCentroidsMoveAndThePrunedClusterStaysZero() {
        ModelGraph g0 = mlp(3);
        INDArray w0 = g0.initializers().get("fc1.weight");
        Codebook before = book(w0);
        INDArray mask = before.weights().neq(0.0).castTo(DataType.FLOAT);
        ModelGraph g = g0.toBuilder().initializer("fc1.weight", before.weights()).build();
        var r = Trainer.fit(g, planted(512, 1), 2, new TrainSpec(3, 32, OptimizerSpec.adam(1e-2), 0), 5,
                Trainer.CROSS_ENTROPY, List.of(new SharedWeights(Map.of("fc1.weight", before)),
                        new MaskProjection(Map.of("fc1.weight", mask))));
        INDArray trained = r.graph().initializers().get("fc1.weight");
        Codebook after = SharedWeights.codebook(before, trained);
        assertEquals(before.indices(), after.indices());
        assertEquals(0.0, after.centroids().getFloat(1), 0.0, "the pruned cluster (-0.0 counts: the mask multiplies)");
        assertNotEquals(before.centroids(), after.centroids(), "the shared values trained");
        assertEquals(after.weights(), trained, "every weight is its cluster's centroid, bit for bit");
        assertTrue(accuracy(r.graph(), planted(512, 2)) > 0.8, "the shared-weight model learns the planted rule");
    }

    @Test
    void independentlyUpdatedWeightsAreNotASharedCodebook() {
        INDArray w = Nd4j.createFromArray(0.5f, 0.5f, -0.4f).reshape(1, 3);
        Codebook book = new Codebook(Nd4j.createFromArray(-0.4f, 0.5f), Nd4j.createFromArray(1, 1, 0).reshape(1, 3));
        INDArray drifted = w.add(Nd4j.createFromArray(0f, 0.01f, 0f).reshape(1, 3));
        assertThrows(IllegalStateException.class, () -> SharedWeights.codebook(book, drifted));
        assertEquals(w, SharedWeights.codebook(book, w).weights());
        assertTrue(Transforms.abs(w).sumNumber().doubleValue() > 0);
    }
}
