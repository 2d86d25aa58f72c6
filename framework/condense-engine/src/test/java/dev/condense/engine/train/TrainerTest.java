package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.zoo.MlpBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {

    /** Planted task: 4 features, the class is 1 exactly when x0 + x1 > x2 + x3 (linearly separable). */
    private static DataSplit planted(int n, long seed) {
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), n, 4).castTo(DataType.FLOAT);
        INDArray margin = x.getColumn(0).add(x.getColumn(1)).sub(x.getColumn(2)).sub(x.getColumn(3));
        return new DataSplit(x, margin.gt(0).castTo(DataType.FLOAT));
    }

    private static ModelGraph mlp(long seed) {
        return MlpBuilder.build("tiny", new long[] {4}, new int[] {16, 2}, 0.5f, 0.3f, seed);
    }

    private static double accuracy(ModelGraph g, DataSplit s) {
        INDArray pred = Inference.predict(g, s.features()).argMax(1).castTo(DataType.FLOAT);
        return pred.eq(s.labels()).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }

    private static final TrainSpec SPEC = new TrainSpec(30, 32, OptimizerSpec.adam(1e-2), 0);

    @Test
    void learnsAPlantedLinearRule() {
        DataSplit train = planted(1024, 1);
        ModelGraph before = mlp(3);
        TrainResult r = Trainer.fit(before, train, 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of());
        assertTrue(accuracy(r.graph(), planted(512, 2)) > 0.95, "held-out accuracy");
        assertTrue(r.finalLoss() > 0 && r.finalLoss() < 0.2, "loss " + r.finalLoss());
        assertEquals(mlp(3).initializers().get("fc1.weight"), before.initializers().get("fc1.weight"),
                "training must not mutate the input graph");
    }

    /**
     * A head that outputs log-probabilities (a LogSoftmax after the logits, as PyTorch's MNIST example writes it)
     * trains: its gradient function builds and it learns the planted rule.
     */
    @Test
    void aLogSoftmaxHeadTrains() {
        ModelGraph g = mlp(3);
        Node last = g.nodes().get(g.nodes().size() - 1);
        ModelGraph logp = g.toBuilder().replaceNode(last.name(), List.of(
                new Node(last.name(), last.opType(), last.inputs(), List.of("z"), last.attributes()),
                new Node("logp", "LogSoftmax", List.of("z"), List.of(last.output()), Map.of("axis", 1L)))).build();
        TrainResult r = Trainer.fit(logp, planted(1024, 1), 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of());
        assertTrue(accuracy(r.graph(), planted(512, 2)) > 0.95, "held-out accuracy");
        assertEquals("LogSoftmax", r.graph().nodes().get(r.graph().nodes().size() - 1).opType());
    }

    @Test
    void masksHoldPrunedWeightsAtZero() {
        ModelGraph g = mlp(3);
        INDArray w = g.initializers().get("fc1.weight");
        INDArray mask = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), w.shape())
                .gt(0.5).castTo(DataType.FLOAT);
        ModelGraph masked = g.toBuilder().initializer("fc1.weight", w.mul(mask)).mask("fc1.weight", mask).build();
        TrainResult r = Trainer.fit(masked, planted(512, 1), 2, SPEC, 5, Trainer.CROSS_ENTROPY,
                List.of(new MaskProjection(masked.masks())));
        INDArray trained = r.graph().initializers().get("fc1.weight");
        INDArray zerosWhereMasked = trained.mul(mask.rsub(1));
        assertEquals(0.0, zerosWhereMasked.norm1Number().doubleValue(), 0.0);
        assertTrue(trained.mul(mask).norm1Number().doubleValue() > 0);
    }

    @Test
    void sameSeedGivesSameWeights() {
        DataSplit train = planted(256, 1);
        TrainSpec spec = new TrainSpec(2, 32, OptimizerSpec.adam(1e-2), 0);
        INDArray a = Trainer.fit(mlp(3), train, 2, spec, 5, Trainer.CROSS_ENTROPY, List.of()).graph().initializers().get("fc2.weight");
        INDArray b = Trainer.fit(mlp(3), train, 2, spec, 5, Trainer.CROSS_ENTROPY, List.of()).graph().initializers().get("fc2.weight");
        assertEquals(a, b);
    }

    /** A NaN planted in one training row makes that batch's loss NaN: training stops there, in the first epoch. */
    @Test
    void divergenceStopsAtTheFirstNonFiniteLoss() {
        DataSplit train = planted(256, 1);
        train.features().putScalar(new long[] {100, 2}, Float.NaN);
        var e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class,
                () -> Trainer.fit(mlp(3), train, 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of()));
        assertTrue(e.getMessage().contains("the loss was NaN at epoch 1"), e.getMessage());
        assertTrue(e.batch() >= 1 && e.batch() <= 8, "batch " + e.batch());
    }

    /** preparing and prepared come once each, with the graph's node count, before the first epoch starts. */
    @Test
    void reportsPreparationBeforeTheFirstEpoch() {
        ModelGraph g = mlp(3);
        java.util.List<String> calls = new java.util.ArrayList<>();
        Trainer.fit(g, planted(64, 1), 2, new TrainSpec(1, 32, OptimizerSpec.adam(1e-2), 0), 5, Trainer.CROSS_ENTROPY,
                List.of(new ProgressHook(new TrainingProgress() {
            @Override
            public void preparing(int nodes) {
                calls.add("preparing " + nodes);
            }

            @Override
            public void prepared(int nodes, double seconds) {
                calls.add("prepared " + nodes + (seconds > 0 ? "" : " no time"));
            }

            @Override
            public void epochStart(int epoch, int epochs, int batches) {
                calls.add("epoch " + epoch);
            }

            @Override
            public void batchDone(double loss) {
            }

            @Override
            public void epochEnd(int epoch, int epochs, double meanLoss, double samplesPerSec) {
            }
        })));
        int n = g.nodes().size();
        assertEquals(java.util.List.of("preparing " + n, "prepared " + n, "epoch 1"), calls);
    }
}
