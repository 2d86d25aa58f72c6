package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.afterEveryStep;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static dev.condense.engine.train.HookFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Hooks together in one run: each keeps its effect, and hooks that change nothing change no bit. */
class HooksComposeTest {
    private static final TrainSpec SPEC = new TrainSpec(2, 32, OptimizerSpec.adam(1e-2), 0);

    /**
     * Mask projection, fake quantization of the same weight, a teacher feed, feature taps and progress in one
     * run, the loss reading teacher logits and both taps: masked weights are zero after every step, the forward
     * pass equals the quantized masked model, progress sees every step, and the loss got all of its inputs.
     */
    @Test
    void maskQuantizationTeacherTapsAndProgressCompose() {
        ModelGraph g0 = mlp(3);
        INDArray mask = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), 16, 4).gt(0.5).castTo(DataType.FLOAT);
        ModelGraph g = g0.toBuilder().initializer("fc1.weight", g0.initializers().get("fc1.weight").mul(mask))
                .mask("fc1.weight", mask).build();
        AffineQuantization grid = AffineQuantization.symmetric(g.initializers().get("fc1.weight"), 3);
        TeacherFeed teacher = new TeacherFeed(mlp(11));
        DataSplit probe = planted(16, 7);
        List<Double> leaked = new ArrayList<>();
        List<Double> quantGap = new ArrayList<>();
        List<String> progress = new ArrayList<>();
        List<LossInputs> inputs = new ArrayList<>();
        Function<LossInputs, SDVariable> loss = in -> {
            inputs.add(in);
            SDVariable soft = in.sd().loss.softmaxCrossEntropy(in.sd().nn.softmax(in.teacherLogits(), 1), in.logits(),
                    null);
            SDVariable hint = in.sd().math.squaredDifference(in.features().get("s"), in.features().get("t")).mean();
            return soft.add(hint.mul(0.1));
        };
        Trainer.fit(g, planted(128, 1), 2, SPEC, 5, loss, List.of(
                new MaskProjection(g.masks()),
                new FakeQuantization(Map.of("fc1.weight", grid)),
                teacher,
                new FeatureTaps(Map.of("s", "fc1.act"), teacher, Map.of("t", "fc1.act")),
                new ProgressHook(new RecordingProgress(progress)),
                afterEveryStep(s -> {
                    INDArray w = s.weight("fc1.weight").dup();
                    leaked.add(w.mul(mask.rsub(1)).norm1Number().doubleValue());
                    Map<String, INDArray> now = new LinkedHashMap<>();
                    List.of("fc1.bias", "fc2.weight", "fc2.bias").forEach(n -> now.put(n, s.weight(n).dup()));
                    now.put("fc1.weight", grid.project(w));
                    INDArray forward = s.sd().output(Map.of("input", probe.features()), "logits").get("logits");
                    quantGap.add(forward.distance1(Inference.predict(with(g, now), probe.features())));
                })));
        assertEquals(8, leaked.size());
        assertTrue(leaked.stream().allMatch(l -> l == 0.0), "masked weights " + leaked);
        assertTrue(quantGap.stream().allMatch(d -> d < 1e-4), "forward vs quantized model " + quantGap);
        assertEquals(List.of("preparing", "prepared", "epoch 1/2 of 4", "batch", "batch", "batch", "batch",
                "end 1", "epoch 2/2 of 4", "batch", "batch", "batch", "batch", "end 2"), progress);
        assertEquals(1, inputs.size());
        assertTrue(inputs.get(0).teacherLogits() != null && inputs.get(0).features().keySet().equals(
                java.util.Set.of("s", "t")));
    }

    /** Hooks that change nothing (no masks, progress only) leave training bit-identical to a run without hooks. */
    @Test
    void passiveHooksChangeNoBit() {
        DataSplit train = planted(128, 1);
        var plain = Trainer.fit(mlp(3), train, 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of());
        var hooked = Trainer.fit(mlp(3), train, 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of(
                new MaskProjection(Map.of()), new ProgressHook(TrainingProgress.SILENT)));
        assertEquals(plain.graph().initializers(), hooked.graph().initializers());
        assertEquals(plain.finalLoss(), hooked.finalLoss(), 0.0);
    }

    private record RecordingProgress(List<String> calls) implements TrainingProgress {
        @Override
        public void preparing(int nodes) {
            calls.add("preparing");
        }

        @Override
        public void prepared(int nodes, double seconds) {
            calls.add("prepared");
        }

        @Override
        public void epochStart(int epoch, int epochs, int batches) {
            calls.add("epoch " + epoch + "/" + epochs + " of " + batches);
        }

        @Override
        public void batchDone(double loss) {
            calls.add("batch");
        }

        @Override
        public void epochEnd(int epoch, int epochs, double meanLoss, double samplesPerSec) {
            calls.add("end " + epoch);
        }
    }
}
