package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.afterEveryStep;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MaskProjectionTest {
    private static final TrainSpec SPEC = new TrainSpec(3, 32, OptimizerSpec.adam(1e-2), 0);

    private static ModelGraph masked(INDArray mask) {
        ModelGraph g = mlp(3);
        INDArray w = g.initializers().get("fc1.weight");
        return g.toBuilder().initializer("fc1.weight", w.mul(mask)).mask("fc1.weight", mask).build();
    }

    private static INDArray mask() {
        return Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), 16, 4).gt(0.5).castTo(DataType.FLOAT);
    }

    /** After every step (checked by a hook listed after the projection) the masked weights are exactly zero. */
    @Test
    void maskedWeightsAreZeroAfterEveryStep() {
        INDArray mask = mask();
        ModelGraph g = masked(mask);
        List<Double> leaked = new ArrayList<>();
        var r = Trainer.fit(g, planted(256, 1), 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of(
                new MaskProjection(g.masks()),
                afterEveryStep(s -> leaked.add(s.weight("fc1.weight").mul(mask.rsub(1)).norm1Number().doubleValue()))));
        assertEquals(24, leaked.size(), "3 epochs of 8 batches");
        assertTrue(leaked.stream().allMatch(l -> l == 0.0), "masked weights after each step " + leaked);
        INDArray trained = r.graph().initializers().get("fc1.weight");
        assertEquals(0.0, trained.mul(mask.rsub(1)).norm1Number().doubleValue(), 0.0);
        assertTrue(!trained.equals(g.initializers().get("fc1.weight")), "kept weights trained");
    }

    /**
     * Without the hook the optimizer moves the same masked weights away from zero: the projection is what holds them,
     * and the trained graph, whose mask annotation no longer agrees with its weights, is refused by
     * {@code ModelGraph.build()} rather than returned.
     */
    @Test
    void withoutTheHookMaskedWeightsMove() {
        INDArray mask = mask();
        List<Double> leaked = new ArrayList<>();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Trainer.fit(masked(mask), planted(256, 1), 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of(
                        afterEveryStep(s -> leaked.add(s.weight("fc1.weight").mul(mask.rsub(1)).norm1Number()
                                .doubleValue())))));
        assertTrue(leaked.get(leaked.size() - 1) > 0, "masked weights moved: " + leaked);
        assertTrue(e.getMessage().contains("mask annotation of initializer 'fc1.weight'"), e.getMessage());
    }
}
