package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.beforeEveryStep;
import static dev.condense.engine.train.HookFixtures.inferTensor;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

class FeatureTapsTest {
    private static final TrainSpec ONE_EPOCH = new TrainSpec(1, 32, OptimizerSpec.adam(1e-2), 0);

    /**
     * The student's tapped {@code fc1.act} and the teacher's, as the loss reads them on the first step, have the
     * tensor's shape {@code [N, 16]} and the values of an inference of that tensor on the step's rows (student:
     * its weights before the first update; teacher: its fixed weights).
     */
    @Test
    void tappedFeaturesEqualAnInferenceOfTheTensor() {
        ModelGraph student = mlp(4);
        ModelGraph teacher = mlp(11);
        TeacherFeed feed = new TeacherFeed(teacher);
        List<LossInputs> seen = new ArrayList<>();
        List<INDArray[]> values = new ArrayList<>();
        Trainer.fit(student, planted(64, 1), 2, ONE_EPOCH, 5, in -> {
            seen.add(in);
            return Trainer.CROSS_ENTROPY.apply(in);
        }, List.of(feed, new FeatureTaps(Map.of("s.fc1", "fc1.act"), feed, Map.of("t.fc1", "fc1.act")),
                beforeEveryStep(s -> {
                    if (s.batch() == 1) {
                        String sName = seen.get(0).features().get("s.fc1").name();
                        INDArray sv = s.sd().output(Map.of("input", s.features()), sName).get(sName);
                        // the feed frees its arrays at the next step: a value kept beyond the step is copied
                        INDArray tv = s.feeds().get(seen.get(0).features().get("t.fc1").name()).dup();
                        values.add(new INDArray[] {s.features(), sv, tv});
                    }
                })));
        assertEquals(2, seen.get(0).features().size());
        INDArray x = values.get(0)[0];
        INDArray studentValue = values.get(0)[1];
        INDArray teacherValue = values.get(0)[2];
        assertArrayEquals(new long[] {32, 16}, studentValue.shape());
        assertArrayEquals(new long[] {32, 16}, teacherValue.shape());
        assertEquals(inferTensor(student, "fc1.act", x), studentValue);
        assertEquals(inferTensor(teacher, "fc1.act", x), teacherValue);
        assertTrue(!studentValue.equals(teacherValue), "different models, different features");
    }

    /**
     * Gradients flow through a student tap: trained on a hint loss alone (mean squared distance of the student's
     * {@code fc1.act} to the teacher's), the student's features move towards the teacher's on held-out rows.
     */
    @Test
    void aHintLossOnTapsPullsTheStudentsFeaturesToTheTeachers() {
        ModelGraph student = mlp(4);
        ModelGraph teacher = mlp(11);
        DataSplit heldOut = planted(256, 2);
        TeacherFeed feed = new TeacherFeed(teacher);
        Function<LossInputs, SDVariable> hint = in -> in.sd().math.squaredDifference(in.features().get("s"),
                in.features().get("t")).mean();
        var r = Trainer.fit(student, planted(512, 1), 2, new TrainSpec(10, 32, OptimizerSpec.adam(1e-2), 0), 5, hint,
                List.of(feed, new FeatureTaps(Map.of("s", "fc1.act"), feed, Map.of("t", "fc1.act"))));
        INDArray target = inferTensor(teacher, "fc1.act", heldOut.features());
        double before = inferTensor(student, "fc1.act", heldOut.features()).squaredDistance(target);
        double after = inferTensor(r.graph(), "fc1.act", heldOut.features()).squaredDistance(target);
        assertTrue(after < 0.2 * before, "squared distance " + before + " -> " + after);
    }

    @Test
    void anUnknownStudentTensorIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(mlp(4), planted(32, 1), 2, ONE_EPOCH,
                5, Trainer.CROSS_ENTROPY, List.of(FeatureTaps.student(Map.of("s", "fc9.act")))));
        assertTrue(e.getMessage().contains("no tensor 'fc9.act' in the student graph"), e.getMessage());
    }

    /** Teacher taps whose teacher feed is not a hook of the run: its placeholders would never be fed. */
    @Test
    void aTeacherTapWithoutItsFeedIsRefused() {
        TeacherFeed feed = new TeacherFeed(mlp(11));
        var e = assertThrows(IllegalStateException.class, () -> Trainer.fit(mlp(4), planted(32, 1), 2, ONE_EPOCH,
                5, Trainer.CROSS_ENTROPY, List.of(FeatureTaps.teacher(feed, Map.of("t", "fc1.act")))));
        assertTrue(e.getMessage().contains("fed by no hook"), e.getMessage());
    }
}
