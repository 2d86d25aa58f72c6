package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.zoo.MlpBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Training with feature terms: taps, the learned projection, per-term history, normalization. */
class FeatureLossesTest {
    private static final TrainSpec SPEC = new TrainSpec(6, 32, OptimizerSpec.adam(1e-2), 0);

    /** Half the mean squared difference over the pairs (a FitNets hint). */
    private static final Function<LossInputs, SDVariable> HINT = in -> {
        SDVariable total = null;
        for (SDVariable[] p : FeatureKeys.pairs(in, "hint")) {
            SDVariable d = p[0].sub(p[1]);
            SDVariable t = in.sd().mean(d.mul(d)).mul(0.5);
            total = total == null ? t : total.add(t);
        }
        return total;
    };

    private static DataSplit planted(int n, long seed) {
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), n, 4).castTo(DataType.FLOAT);
        INDArray y = x.getColumn(0).add(x.getColumn(1)).sub(x.getColumn(2)).sub(x.getColumn(3)).gt(0)
                .castTo(DataType.FLOAT);
        return new DataSplit(x, y);
    }

    private static ModelGraph mlp(int hidden, long seed) {
        return MlpBuilder.build("tiny", new long[] {4}, new int[] {hidden, 2}, 0.5f, 0.3f, seed);
    }

    private static FeaturePair pair(ModelGraph s, ModelGraph t, String tensor) {
        return new FeaturePair(tensor, ShapeInference.infer(s).get(tensor), tensor, ShapeInference.infer(t).get(tensor));
    }

    /** The total over a cross-entropy of plain ops (see {@link #identicalFeaturesCostNothing} for why). */
    private static Function<LossInputs, SDVariable> total(FeatureLosses f) {
        return in -> f.total(in.sd().math.neg(in.sd().mean(in.sd().sum(
                in.labels().mul(in.sd().nn.logSoftmax(in.logits())), 1))));
    }

    /**
     * Hints only (logits weight 0) through a learned 8 -> 16 projection: the hint term falls over the epochs, one
     * history value per epoch and term, and the trained graph has exactly the student's initializers (the projection
     * is dropped).
     */
    @Test
    void hintTrainingThroughAProjectionLowersTheTermAndDropsTheProjection() {
        ModelGraph teacher = mlp(16, 3);
        ModelGraph student = mlp(8, 4);
        TeacherFeed feed = new TeacherFeed(teacher);
        FeaturePair p = pair(student, teacher, "fc1.act");
        assertTrue(p.projected());
        FeatureLosses f = new FeatureLosses(feed, List.of(new FeatureTerm("hint[0]", List.of(p), HINT, 1.0)), 0.0,
                false);
        ModelGraph trained = Trainer.fit(student, planted(512, 1), 2, SPEC, 7, total(f), List.of(feed, f)).graph();
        Map<String, List<Double>> h = f.history();
        assertEquals(List.of(FeatureLosses.LOGITS, "hint[0]"), List.copyOf(h.keySet()));
        assertEquals(SPEC.epochs(), h.get("hint[0]").size());
        assertEquals(SPEC.epochs(), h.get(FeatureLosses.LOGITS).size());
        double first = h.get("hint[0]").get(0);
        double last = h.get("hint[0]").get(SPEC.epochs() - 1);
        assertTrue(last < 0.5 * first, "hint term " + h.get("hint[0]"));
        assertEquals(student.initializers().keySet(), trained.initializers().keySet());
        assertNotEquals(student.initializers().get("fc1.weight"), trained.initializers().get("fc1.weight"));
    }

    /**
     * A token model {@code x [N, 5, 3] -MatMul-> states [N, 5, D] -ReduceMean(L)-> [N, D] -Gemm-> logits [N, 2]}, the
     * shape of a transformer's token states (TinyBERT's hidden-state loss, Jiao et al. 2020).
     */
    private static ModelGraph tokens(int width, long seed) {
        java.util.Random r = new java.util.Random(seed);
        INDArray w = Nd4j.rand(DataType.FLOAT, 3, width).subi(0.5);
        INDArray head = Nd4j.createFromArray(new float[2 * width]).reshape(2, width);
        for (int i = 0; i < head.length(); i++) {
            head.putScalar(i, r.nextGaussian() * 0.3);
        }
        return ModelGraph.builder("tokens")
                .input(new dev.condense.api.model.ValueInfo("x", dev.condense.api.model.ValueInfo.ElementType.FLOAT,
                        new long[] {-1, 5, 3}))
                .initializer("w", w).initializer("head.w", head).initializer("head.b", Nd4j.zeros(DataType.FLOAT, 2))
                .node(new dev.condense.api.model.Node("mm", "MatMul", List.of("x", "w"), List.of("states"), Map.of()))
                .node(new dev.condense.api.model.Node("pool", "ReduceMean", List.of("states"), List.of("pooled"),
                        Map.of("axes", new long[] {1}, "keepdims", 0L)))
                .node(new dev.condense.api.model.Node("head", "Gemm", List.of("pooled", "head.w", "head.b"),
                        List.of("logits"), Map.of("transB", 1L)))
                .output(new dev.condense.api.model.ValueInfo("logits", dev.condense.api.model.ValueInfo.ElementType.FLOAT,
                        new long[] {-1, 2}))
                .build();
    }

    /**
     * Token states {@code [N, L, D]} (rank 3): a width-4 student's states regress a width-6 teacher's through the
     * learned projection on the last axis (TinyBERT's {@code H_S W_h}); the term falls, and the projection is dropped.
     */
    @Test
    void tokenStatesAreProjectedOnTheLastAxisAndTheirTermFalls() {
        Nd4j.getRandom().setSeed(5);
        ModelGraph teacher = tokens(6, 3);
        ModelGraph student = tokens(4, 4);
        FeaturePair p = pair(student, teacher, "states");
        assertTrue(p.projected());
        assertEquals("states [-1, 5, 4] -> states [-1, 5, 6] (learned projection 4 -> 6, linear per token)", p.describe());
        TeacherFeed feed = new TeacherFeed(teacher);
        FeatureLosses f = new FeatureLosses(feed, List.of(new FeatureTerm("hint[0]", List.of(p), HINT, 1.0)), 0.0,
                false);
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(2), 256, 5, 3).castTo(DataType.FLOAT);
        INDArray y = x.sum(1, 2).gt(7.5).castTo(DataType.FLOAT);
        ModelGraph trained = Trainer.fit(student, new DataSplit(x, y), 2, SPEC, 7, total(f), List.of(feed, f)).graph();
        List<Double> h = f.history().get("hint[0]");
        assertTrue(h.get(SPEC.epochs() - 1) < 0.5 * h.get(0), "hint term " + h);
        assertEquals(student.initializers().keySet(), trained.initializers().keySet());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new FeaturePair("a",
                new long[] {-1, 5, 4}, "b", new long[] {-1, 6, 4}));
    }

    /**
     * A student that is the teacher's copy keeps hint 0 with logits weight 0: identical features give no gradient
     * and the logits loss's weight 0 cuts its gradient, so no weight moves. The logits loss is built from plain ops:
     * ND4J 1.0.0-M2.1's training session runs an {@code sd.loss} op's backprop ignoring the gradient flowing into it,
     * so {@link Trainer#CROSS_ENTROPY} times 0 would still train (measured: fc2 moved by 0.017 in 4 steps).
     */
    @Test
    void identicalFeaturesCostNothing() {
        ModelGraph teacher = mlp(8, 3);
        TeacherFeed feed = new TeacherFeed(teacher);
        FeatureLosses f = new FeatureLosses(feed, List.of(new FeatureTerm("hint[0]",
                List.of(pair(teacher, teacher, "fc1.act")), HINT, 1.0)), 0.0, false);
        TrainSpec oneEpoch = new TrainSpec(4, 32, new OptimizerSpec("sgd", 1e-2, 0, 0), 32);
        ModelGraph out = Trainer.fit(mlp(8, 3), planted(128, 1), 2, oneEpoch, 7, total(f), List.of(feed, f)).graph();
        assertEquals(teacher.initializers().get("fc1.weight"), out.initializers().get("fc1.weight"));
        assertEquals(teacher.initializers().get("fc2.weight"), out.initializers().get("fc2.weight"));
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0), f.history().get("hint[0]"));
    }

    /** With normalize the term's scale is |logits loss| / |term| at the first batch: finite, positive, not 1. */
    @Test
    void normalizeMeasuresAScaleAtTheFirstBatch() {
        ModelGraph teacher = mlp(16, 3);
        TeacherFeed feed = new TeacherFeed(teacher);
        FeatureLosses f = new FeatureLosses(feed, List.of(new FeatureTerm("hint[0]",
                List.of(pair(mlp(8, 4), teacher, "fc1.act")), HINT, 1.0)), 1.0, true);
        Trainer.fit(mlp(8, 4), planted(256, 1), 2, new TrainSpec(2, 32, OptimizerSpec.adam(1e-2), 0), 7, total(f),
                List.of(feed, f));
        double s = f.scales()[0];
        assertTrue(Double.isFinite(s) && s > 0 && s != 1.0, "scale " + s);
        assertEquals(2.0, NormalizedScale.of(4.0, -2.0));
        assertEquals(1.0, NormalizedScale.of(4.0, 0.0));
        assertEquals(1.0, NormalizedScale.of(Double.NaN, 3.0));
    }
}
