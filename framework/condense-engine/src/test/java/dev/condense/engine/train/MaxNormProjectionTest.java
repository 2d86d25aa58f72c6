package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.Augmentation;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.NormConstraints;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MaxNormProjectionTest {

    /** Gemm [out, in]: the row of norm 5 is scaled to norm 1 (3, 4 -> 0.6, 0.8), the row of norm 0.5 is untouched. */
    @Test
    void rowsOutsideTheBallAreScaledOntoItAndRowsInsideAreUntouched() {
        INDArray w = Nd4j.createFromArray(new float[][] {{3f, 4f}, {0.3f, -0.4f}});
        MaxNormProjection.project(w, 0, 1.0);
        assertArrayEquals(new float[] {0.6f, 0.8f}, w.getRow(0).toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {0.3f, -0.4f}, w.getRow(1).toFloatVector(), 0f);
    }

    /** MatMul [in, out]: units are columns. */
    @Test
    void columnsAreTheUnitsOfAMatMulWeight() {
        INDArray w = Nd4j.createFromArray(new float[][] {{3f, 0.1f}, {4f, 0.2f}});
        MaxNormProjection.project(w, 1, 2.0);
        assertArrayEquals(new float[] {1.2f, 1.6f}, w.getColumn(0).toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {0.1f, 0.2f}, w.getColumn(1).toFloatVector(), 0f);
    }

    /** Conv [out, C, kh, kw]: each output channel's whole filter is one unit. */
    @Test
    void aConvFilterIsOneUnit() {
        INDArray w = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 2, 1, 2);
        w.putScalar(new long[] {0, 0, 0, 0}, 6f);
        w.putScalar(new long[] {0, 1, 0, 1}, 8f);
        w.putScalar(new long[] {1, 1, 0, 0}, 0.5f);
        MaxNormProjection.project(w, 0, 5.0);
        assertEquals(3f, w.getFloat(0, 0, 0, 0), 1e-6f);
        assertEquals(4f, w.getFloat(0, 1, 0, 1), 1e-6f);
        assertEquals(0.5f, w.getFloat(1, 1, 0, 0), 0f);
    }

    /**
     * In a run with a large learning rate, every unit of both Gemm layers ends within radius 0.5 and some units sit
     * on the sphere; without the constraint, some unit ends far outside.
     */
    @Test
    void trainedUnitsStayInTheBall() {
        ModelGraph g = mlp(3);
        double c = 0.5;
        var r = Trainer.fit(g, planted(256, 1), 2, spec(new NormConstraints(0, c)), 5, Trainer.CROSS_ENTROPY,
                List.of());
        double largest = 0;
        for (String w : List.of("fc1.weight", "fc2.weight")) {
            INDArray norms = r.graph().initializers().get(w).norm2(1);
            assertTrue(norms.maxNumber().doubleValue() <= c * (1 + 1e-5), w + " norms " + norms);
            largest = Math.max(largest, norms.maxNumber().doubleValue());
        }
        assertEquals(c, largest, c * 1e-5, "some unit reached the sphere");
        var free = Trainer.fit(g, planted(256, 1), 2, spec(NormConstraints.NONE), 5, Trainer.CROSS_ENTROPY,
                List.of());
        assertTrue(free.graph().initializers().get("fc1.weight").norm2(1).maxNumber().doubleValue() > 2 * c);
    }

    @Test
    void theUnitsAreFoundInTheGraphAndAGraphWithoutAnyIsRefused() {
        MaxNormProjection p = new MaxNormProjection(1);
        p.lower(new Lowering(mlp(3), SameDiffLowering.trainableInitializers(mlp(3))));
        assertEquals(Map.of("fc1.weight", 0, "fc2.weight", 0), p.units());
        var e = assertThrows(IllegalArgumentException.class,
                () -> p.lower(new Lowering(mlp(3), java.util.Set.of("fc1.bias"))));
        assertTrue(e.getMessage().contains("no trainable Gemm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaxNormProjection(0));
    }

    private static TrainSpec spec(NormConstraints norms) {
        return new TrainSpec(4, 32, OptimizerSpec.adam(5e-2), 0, LrSchedule.constant(), Augmentation.NONE, norms);
    }
}
