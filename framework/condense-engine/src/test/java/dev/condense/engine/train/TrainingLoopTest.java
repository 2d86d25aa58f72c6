package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.zoo.MlpBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link TrainingLoop} reuses gradient buffers; it must train exactly as {@code SameDiff.fit} does. The reference
 * here is {@code fit} itself on the same lowered graph, config and batches; the trained weights must be equal bit
 * for bit after several epochs (so after the recycled buffers have been handed out again many times).
 */
class TrainingLoopTest {

    private static DataSplit data(int n, int features, int classes, long seed) {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray x = Nd4j.randn(rng, new long[] {n, features}).castTo(DataType.FLOAT);
        INDArray y = Nd4j.rand(rng, n, 1).muli(classes).castTo(DataType.INT32).castTo(DataType.FLOAT).reshape(n);
        return new DataSplit(x, y);
    }

    /** Trains with {@code SameDiff.fit}, set up as {@link Trainer} sets up its loop, and returns the weights. */
    private static Map<String, INDArray> viaFit(ModelGraph graph, DataSplit split, int classes, TrainSpec spec,
                                                LrSchedule schedule, long seed) {
        Nd4j.getRandom().setSeed(seed);
        LoweredGraph lowered = SameDiffLowering.lower(graph, true);
        SameDiff sd = lowered.sd();
        ClassifierLoss.attach(lowered, classes);
        ShuffledBatches batches = new ShuffledBatches(split, classes, spec.batch(), spec.limit(), seed);
        int steps = (batches.rowsPerEpoch() + spec.batch() - 1) / spec.batch();
        TrainingConfig.Builder cfg = TrainingConfig.builder()
                .updater(Updaters.of(spec.optimizer(), schedule, spec.epochs(), steps))
                .dataSetFeatureMapping(lowered.inputName()).dataSetLabelMapping(ClassifierLoss.LABEL);
        if (spec.optimizer().weightDecay() > 0) {
            cfg.l2(spec.optimizer().weightDecay());
        }
        sd.setTrainingConfig(cfg.build());
        sd.fit(batches, spec.epochs());
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        lowered.trainable().forEach(n -> out.put(n, sd.getArrForVarName(n).dup()));
        return out;
    }

    private static void assertSameTraining(ModelGraph g, DataSplit d, int classes, TrainSpec spec, LrSchedule s) {
        Map<String, INDArray> reference = viaFit(g, d, classes, spec, s, 11);
        TrainSpec withSchedule = new TrainSpec(spec.epochs(), spec.batch(), spec.optimizer(), spec.limit(), s);
        TrainResult r = Trainer.fit(g, d, classes, withSchedule, 11, Trainer.CROSS_ENTROPY, List.of());
        for (var e : reference.entrySet()) {
            assertEquals(e.getValue(), r.graph().initializers().get(e.getKey()), e.getKey());
            assertNotEquals(g.initializers().get(e.getKey()), e.getValue(), e.getKey() + " must have trained");
        }
    }

    @Test
    void adamWithWeightDecayMatchesSameDiffFitBitForBit() {
        ModelGraph mlp = MlpBuilder.build("mlp", new long[] {12}, new int[] {32, 16, 3}, 0.1f, 1.2f, 5);
        OptimizerSpec adam = new OptimizerSpec("adam", 3e-3, 0, 1e-3);
        assertSameTraining(mlp, data(200, 12, 3, 2), 3, new TrainSpec(4, 16, adam, 0), LrSchedule.constant());
    }

    @Test
    void momentumWithCosineAndBatchNormMatchesSameDiffFitBitForBit() {
        ModelGraph bn = GraphFixtures.over(-1, 2, 3, 3)
                .init("s", Nd4j.ones(DataType.FLOAT, 2)).init("b", Nd4j.zeros(DataType.FLOAT, 2))
                .init("m", Nd4j.zeros(DataType.FLOAT, 2)).init("v", Nd4j.ones(DataType.FLOAT, 2))
                .op("BatchNormalization", Map.of("momentum", 0.9), "s", "b", "m", "v")
                .op("GlobalAveragePool", Map.of()).op("Flatten", Map.of())
                .init("w", GraphFixtures.randn(1, 0.5, 2, 2)).op("Gemm", Map.of("transB", 1L), "w").build();
        DataSplit d = new DataSplit(GraphFixtures.randn(4, 1, 64, 2, 3, 3),
                data(64, 1, 2, 6).labels());
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.05, 0.9, 5e-4);
        assertSameTraining(bn, d, 2, new TrainSpec(3, 8, sgd, 0), LrSchedule.cosine(0.0));
    }

    @Test
    void perStepCosineSeesTheSameStepCountAsSameDiffFit() {
        ModelGraph mlp = MlpBuilder.build("mlp", new long[] {12}, new int[] {32, 16, 3}, 0.1f, 1.2f, 5);
        OptimizerSpec sgd = new OptimizerSpec("sgd", 0.05, 0.9, 0);
        assertSameTraining(mlp, data(200, 12, 3, 2), 3, new TrainSpec(3, 16, sgd, 0), LrSchedule.cosinePerStep(0.001));
    }
}
