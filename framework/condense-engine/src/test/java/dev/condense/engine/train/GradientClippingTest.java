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
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GradientClippingTest {

    /** Two buffers, together (30, 40, 0, 120) with norm 130: clipped to 13 they are (3, 4, 0, 12) exactly. */
    @Test
    void aStepWithAHugeGradientIsScaledToTheLimit() {
        INDArray a = Nd4j.createFromArray(new float[][] {{30f, 40f, 0f}});
        INDArray b = Nd4j.createFromArray(new float[][] {{120f}});
        GradientClipping clip = new GradientClipping(13);
        assertEquals(130, clip.clip(List.of(a, b)), 1e-4);
        assertArrayEquals(new float[] {3f, 4f, 0f}, a.toFloatVector(), 1e-6f);
        assertArrayEquals(new float[] {12f}, b.toFloatVector(), 1e-6f);
        double after = Math.hypot(a.norm2Number().doubleValue(), b.norm2Number().doubleValue());
        assertEquals(13, after, 1e-5);
        assertEquals(new TrainResult.ClippingStats(1, 1, 130, 130), roundLargest(clip.stats()));
    }

    /** A gradient at or below the limit is left bit for bit; the counters see the step but not a clip. */
    @Test
    void belowTheLimitIsUntouched() {
        INDArray a = Nd4j.createFromArray(new float[][] {{0.3f, -0.4f, 1e-7f}});
        INDArray before = a.dup();
        GradientClipping clip = new GradientClipping(0.5 + 1e-6);
        assertEquals(0.5, clip.clip(List.of(a)), 1e-6);
        assertEquals(before, a);
        clip.clip(List.of(Nd4j.createFromArray(new float[][] {{0.1f}})));
        assertEquals(new TrainResult.ClippingStats(2, 0, 0.5, 0.3), roundLargest(clip.stats()));
    }

    @Test
    void aLimitMustBePositiveAndFinite() {
        assertThrows(IllegalArgumentException.class, () -> new GradientClipping(0));
        assertThrows(IllegalArgumentException.class, () -> new GradientClipping(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new NormConstraints(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new NormConstraints(0, Double.NaN));
    }

    /**
     * In a run: one full-batch step of plain SGD (no momentum, no decay) moves the weights by exactly {@code lr}
     * times the clipped gradient, so the whole weight change has norm {@code lr * clip}; without clipping it is
     * far larger.
     */
    @Test
    void oneClippedSgdStepMovesTheWeightsByLrTimesTheLimit() {
        ModelGraph g = mlp(3);
        double lr = 0.5;
        double limit = 1e-3;
        TrainSpec clipped = spec(lr, new NormConstraints(limit, 0));
        TrainResult r = Trainer.fit(g, planted(64, 1), 2, clipped, 5, Trainer.CROSS_ENTROPY, List.of());
        assertEquals(lr * limit, change(g, r.graph()), lr * limit * 1e-3);
        assertEquals(1, r.clipping().steps());
        assertEquals(1, r.clipping().clipped());
        assertTrue(r.clipping().largest() > 10 * limit, "the planted gradient is larger than the limit");
        TrainResult free = Trainer.fit(g, planted(64, 1), 2, spec(lr, NormConstraints.NONE), 5,
                Trainer.CROSS_ENTROPY, List.of());
        assertEquals(lr * r.clipping().largest(), change(g, free.graph()), lr * r.clipping().largest() * 1e-3);
        assertEquals(TrainResult.ClippingStats.NONE, free.clipping());
    }

    private static TrainSpec spec(double lr, NormConstraints norms) {
        return new TrainSpec(1, 64, new OptimizerSpec("sgd", lr, 0, 0), 0, LrSchedule.constant(), Augmentation.NONE,
                norms);
    }

    /** The L2 norm of the change of every initializer from {@code before} to {@code after}. */
    private static double change(ModelGraph before, ModelGraph after) {
        double squares = 0;
        for (var e : before.initializers().entrySet()) {
            double d = after.initializers().get(e.getKey()).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .sub(e.getValue().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)).norm2Number().doubleValue();
            squares += d * d;
        }
        return Math.sqrt(squares);
    }

    private static TrainResult.ClippingStats roundLargest(TrainResult.ClippingStats s) {
        return new TrainResult.ClippingStats(s.steps(), s.clipped(), Math.round(s.largest() * 1e4) / 1e4,
                Math.round(s.mean() * 1e4) / 1e4);
    }
}
