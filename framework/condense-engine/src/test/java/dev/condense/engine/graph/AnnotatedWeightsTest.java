package dev.condense.engine.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.fixtures.QuantizedWeights;
import dev.condense.engine.fixtures.TinyMlp;
import dev.condense.engine.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link AnnotatedWeights}: new values stay on their grid or codebook; training a quantized graph keeps it so. */
class AnnotatedWeightsTest {

    @Test
    void codebookIndicesAreReassignedToTheNearestCentroid() {
        INDArray centroids = Nd4j.createFromArray(-1f, 0f, 0.5f, 2f);
        INDArray w = Nd4j.createFromArray(new float[][] {{-0.7f, 0.2f, 0.3f}, {1.1f, 1.4f, -5f}});
        Codebook c = AnnotatedWeights.nearest(centroids, w);
        assertArrayEquals(new long[] {2, 3}, c.indices().shape());
        assertArrayEquals(new float[] {-1f, 0f, 0.5f, 0.5f, 2f, -1f}, c.weights().reshape(6).toFloatVector());
    }

    @Test
    void plainValuesArePutAsGiven() {
        TinyMlp mlp = new TinyMlp(3);
        ModelGraph.Builder out = mlp.graph.toBuilder();
        INDArray v = mlp.w1.add(1);
        AnnotatedWeights.put(out, mlp.graph, "fc1.weight", v);
        assertSame(v, out.build().initializers().get("fc1.weight"));
    }

    /** One epoch on planted data: the trained graph builds, its weights moved and are still on grid / codebook. */
    @Test
    void trainingAQuantizedGraphEndsOnQuantizedValues() {
        TinyMlp mlp = new TinyMlp(5);
        ModelGraph g = QuantizedWeights.quantize(mlp.graph, "fc1.weight", QuantizedWeights.symmetric(mlp.w1, 0, 8));
        Codebook book = AnnotatedWeights.nearest(Nd4j.createFromArray(-0.4f, -0.1f, 0f, 0.1f, 0.4f), mlp.w2);
        g = g.toBuilder().initializer("fc2.weight", book.weights()).annotate("fc2.weight", book).build();
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 1, 4, 4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 64);
        for (int i = 0; i < 64; i++) {
            y.putScalar(i, i % 3);
        }
        DataSplit split = new DataSplit(x, y);
        TrainSpec spec = new TrainSpec(2, 16, OptimizerSpec.adam(1e-2), 0);
        ModelGraph trained = Trainer.fit(g, split, 3, spec, 1, Trainer.CROSS_ENTROPY, List.of()).graph();
        assertTrue(trained.initializers().get("fc1.weight").neq(g.initializers().get("fc1.weight"))
                .castTo(DataType.INT32).sumNumber().intValue() > 0, "training moved the int8 weight");
        AffineQuantization q = trained.annotation("fc1.weight", AffineQuantization.class).orElseThrow();
        assertNull(q.problemWith(trained.initializers().get("fc1.weight")));
        Codebook after = trained.annotation("fc2.weight", Codebook.class).orElseThrow();
        assertEquals(book.centroids(), after.centroids());
        assertNull(after.problemWith(trained.initializers().get("fc2.weight")));
    }
}
