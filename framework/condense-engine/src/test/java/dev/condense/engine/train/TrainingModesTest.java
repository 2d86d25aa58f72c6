package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.zoo.Zoo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;

/** Training-mode BatchNormalization and Dropout, and learning-rate schedules. */
class TrainingModesTest {

    private static ModelGraph bnNet(double momentum) {
        return GraphFixtures.over(-1, 2, 3, 3)
                .init("s", Nd4j.ones(DataType.FLOAT, 2)).init("b", Nd4j.zeros(DataType.FLOAT, 2))
                .init("m", Nd4j.zeros(DataType.FLOAT, 2)).init("v", Nd4j.ones(DataType.FLOAT, 2))
                .op("BatchNormalization", Map.of("momentum", momentum), "s", "b", "m", "v")
                .op("GlobalAveragePool", Map.of()).op("Flatten", Map.of())
                .init("w", GraphFixtures.randn(1, 0.5, 2, 2)).op("Gemm", Map.of("transB", 1L), "w").build();
    }

    @Test
    void batchNormRunningStatisticsFollowTheMomentumRule() {
        INDArray x = GraphFixtures.randn(4, 1, 16, 2, 3, 3);
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0)).addi(3);
        DataSplit data = new DataSplit(x, Nd4j.zeros(DataType.FLOAT, 16).putScalar(3, 1));
        TrainResult r = Trainer.fit(bnNet(0.8), data, 2, new TrainSpec(1, 16, OptimizerSpec.adam(1e-3), 0), 5,
                Trainer.CROSS_ENTROPY, List.of());
        INDArray batchMean = x.mean(0, 2, 3);
        INDArray batchVar = x.var(false, 0, 2, 3);
        assertTrue(batchMean.mul(0.2).equalsWithEps(r.graph().initializers().get("m"), 1e-4), "running mean");
        assertTrue(batchVar.mul(0.2).add(0.8).equalsWithEps(r.graph().initializers().get("v"), 1e-4),
                () -> "running var " + r.graph().initializers().get("v") + " vs " + batchVar.mul(0.2).add(0.8) + " batch var " + batchVar + " unbiased " + x.var(true, 0, 2, 3));
    }

    @Test
    void dropoutDropsInTrainingAndIsIdentityAtInference() {
        ModelGraph g = GraphFixtures.over(-1, 500).init("ratio", Nd4j.scalar(0.3f))
                .op("Dropout", Map.of(), "ratio").build();
        INDArray ones = Nd4j.ones(DataType.FLOAT, 20, 500);
        assertEquals(ones, Inference.predict(g, ones));
        Nd4j.getRandom().setSeed(1);
        LoweredGraph train = SameDiffLowering.lower(g, true);
        INDArray y = train.sd().outputSingle(Map.of(train.inputName(), ones), train.outputName());
        double dropped = y.eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
        assertEquals(0.3, dropped, 0.02, "fraction dropped");
        assertEquals(1 / 0.7, y.maxNumber().doubleValue(), 1e-5, "survivors scaled by 1 / (1 - ratio)");
        assertEquals(10_000, y.sumNumber().doubleValue(), 250, "expectation preserved");
    }

    /**
     * Every training step draws a fresh dropout mask, in SameDiff's session and in the recorded op plan alike
     * ({@link RandomOpSeeds}). One row of ones through {@code Dropout(0.5) -> Gemm} (no bias), batch 1, plain SGD at a
     * rate small enough that the softmax never saturates: a weight column moves only in the steps where its input unit
     * survives, so after 12 steps the columns that never moved are the units dropped in every step, about {@code 200 x
     * 0.5^12 = 0.05} with fresh masks. Before the fix the contexts' generators were never reseeded: 106 columns never
     * moved in the session and 35 to 64 with the plan (one mask for the session's step, one for all planned ones).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void dropoutDrawsAFreshMaskAtEveryStep(boolean plan) {
        int units = 200;
        ModelGraph g = GraphFixtures.over(-1, units).init("ratio", Nd4j.scalar(0.5f)).op("Dropout", Map.of(), "ratio")
                .init("w", GraphFixtures.randn(5, 0.1, 2, units)).op("Gemm", Map.of("transB", 1L), "w").build();
        DataSplit one = new DataSplit(Nd4j.ones(DataType.FLOAT, 1, units), Nd4j.createFromArray(new float[] {1}));
        int[] planned = new int[1];
        TrainResult r = Trainer.fit(g, one, 2, new TrainSpec(12, 1, new OptimizerSpec("sgd", 1e-4, 0, 0), 0), 9,
                Trainer.CROSS_ENTROPY, List.of(), plan, steps -> planned[0] = steps);
        assertEquals(plan ? 11 : 0, planned[0], "steps run from the plan");
        INDArray moved = r.graph().initializers().get("w").sub(g.initializers().get("w")).norm1(0);
        long never = moved.eq(0).castTo(DataType.FLOAT).sumNumber().longValue();
        assertTrue(never <= 3, never + " of " + units + " units dropped in all 12 steps (fresh masks: ~0.05)");
    }

    @Test
    void stepAndCosineSchedulesFollowTheirFormulas() {
        ISchedule step = Updaters.schedule(0.1, LrSchedule.step(2, 0.5), 10, 7);
        double[] expected = {0.1, 0.1, 0.05, 0.05, 0.025};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], step.valueAt(1000, e), 1e-12);
        }
        ISchedule cos = Updaters.schedule(0.1, LrSchedule.cosine(0.01), 10, 7);
        assertEquals(0.1, cos.valueAt(0, 0), 1e-12);
        assertEquals(0.1, cos.valueAt(6, 0), 1e-12, "per epoch: constant within the epoch");
        assertEquals(0.055, cos.valueAt(0, 5), 1e-12);
        assertEquals(0.01, cos.valueAt(0, 10), 1e-12);
    }

    @Test
    void perStepCosineDecaysWithTheRunsStepCount() {
        // 2 epochs of 4 steps: T = 8 steps; the epoch argument is ignored
        ISchedule cos = Updaters.schedule(0.1, LrSchedule.cosinePerStep(0.0), 2, 4);
        assertEquals(0.1, cos.valueAt(0, 0), 1e-12);
        assertEquals(0.1 * (1 + Math.cos(Math.PI / 8)) / 2, cos.valueAt(1, 0), 1e-12);
        assertEquals(0.05, cos.valueAt(4, 1), 1e-12, "half way at the second epoch's first step");
        assertEquals(0.0, cos.valueAt(8, 2), 1e-12);
        assertEquals(0.0, cos.valueAt(20, 5), 1e-12, "held at min-lr past the end");
    }

    @Test
    void perStepCosineReachesTheTrainer() {
        // one epoch: per epoch the rate stays lr0 (= constant); per step it decays, so the weights differ
        ModelGraph g = Zoo.build("lenet-300-100", 1);
        Nd4j.getRandom().setSeed(3);
        DataSplit data = new DataSplit(Nd4j.rand(DataType.FLOAT, 48, 1, 28, 28),
                Nd4j.createFromArray(new float[48]).addi(Nd4j.arange(48).castTo(DataType.FLOAT).fmod(10)));
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.1, 0, 0);
        INDArray constant = fc1(g, data, new TrainSpec(1, 16, sgd, 0, LrSchedule.constant()));
        INDArray perEpoch = fc1(g, data, new TrainSpec(1, 16, sgd, 0, LrSchedule.cosine(0)));
        INDArray perStep = fc1(g, data, new TrainSpec(1, 16, sgd, 0, LrSchedule.cosinePerStep(0)));
        assertEquals(constant, perEpoch, "one epoch per epoch is constant");
        double moved = perStep.sub(g.initializers().get("fc1.weight")).norm2Number().doubleValue();
        double movedConstant = constant.sub(g.initializers().get("fc1.weight")).norm2Number().doubleValue();
        // steps at lr 0.1, 0.075, 0.025 against 0.1 x 3: about two thirds of the distance
        assertTrue(moved < 0.85 * movedConstant && moved > 0.4 * movedConstant, moved + " vs " + movedConstant);
    }

    private static INDArray fc1(ModelGraph g, DataSplit data, TrainSpec spec) {
        return Trainer.fit(g, data, 10, spec, 4, Trainer.CROSS_ENTROPY, List.of()).graph().initializers().get("fc1.weight");
    }

    @Test
    void residualCnnTrainsWithMomentumWeightDecayAndCosine() {
        ModelGraph g = Zoo.build("resnet-20-small", 3);
        Nd4j.getRandom().setSeed(2);
        DataSplit data = new DataSplit(Nd4j.rand(DataType.FLOAT, 32, 1, 28, 28),
                Nd4j.createFromArray(new float[32]).addi(Nd4j.arange(32).castTo(DataType.FLOAT).fmod(10)));
        TrainSpec spec = new TrainSpec(2, 16, new OptimizerSpec("sgd", 0.05, 0.9, 1e-4), 0, LrSchedule.cosine(0));
        TrainResult r = Trainer.fit(g, data, 10, spec, 4, Trainer.CROSS_ENTROPY, List.of());
        assertTrue(Double.isFinite(r.finalLoss()), "loss " + r.finalLoss());
        assertTrue(!r.graph().initializers().get("stem.conv.weight").equals(g.initializers().get("stem.conv.weight")));
        assertTrue(!r.graph().initializers().get("stem.bn.mean").equals(g.initializers().get("stem.bn.mean")),
                "running mean updated");
        assertEquals(g.initializers().keySet(), r.graph().initializers().keySet());
    }
}
