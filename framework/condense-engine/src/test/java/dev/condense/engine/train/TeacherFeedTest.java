package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.beforeEveryStep;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

class TeacherFeedTest {

    /**
     * The variable the loss reads as the teacher's logits takes, at every step, the teacher's inference logits of
     * exactly that step's rows. The loss routes them through a named op ({@code seen.teacher}) so the test can
     * evaluate what the loss sees from the step's own placeholders.
     */
    @Test
    void theLossSeesTheTeachersLogitsOfEachBatch() {
        ModelGraph teacher = mlp(11);
        int[] steps = {0};
        Trainer.fit(mlp(4), planted(96, 1), 2, new TrainSpec(2, 32, OptimizerSpec.adam(1e-2), 0), 5, in -> {
            SDVariable seen = in.sd().identity("seen.teacher", in.teacherLogits());
            return in.sd().loss.softmaxCrossEntropy(in.sd().nn.softmax(seen, 1), in.logits(), null);
        }, List.of(new TeacherFeed(teacher), beforeEveryStep(s -> {
            Map<String, INDArray> feeds = new HashMap<>(s.feeds());
            feeds.put("input", s.features());
            INDArray seen = s.sd().output(feeds, "seen.teacher").get("seen.teacher");
            INDArray expected = Inference.predict(teacher, s.features());
            assertArrayEquals(new long[] {s.features().size(0), 2}, seen.shape());
            assertEquals(expected, seen, "teacher logits at epoch " + s.epoch() + " batch " + s.batch());
            steps[0]++;
        })));
        assertEquals(6, steps[0]);
    }

    /** A loss reading teacher logits without a teacher feed gets null, not a stale or zero array. */
    @Test
    void withoutATeacherFeedTheLossGetsNoTeacherLogits() {
        boolean[] sawNull = {false};
        Trainer.fit(mlp(4), planted(32, 1), 2, new TrainSpec(1, 32, OptimizerSpec.adam(1e-2), 0), 5, in -> {
            sawNull[0] = in.teacherLogits() == null;
            return Trainer.CROSS_ENTROPY.apply(in);
        }, List.of());
        assertTrue(sawNull[0]);
    }
}
