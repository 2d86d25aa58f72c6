package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.zoo.MlpBuilder;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Training with a {@link TeacherFeed}: the teacher's logits reach the loss on every batch. */
class DistillationTest {
    private static final TrainSpec SPEC = new TrainSpec(30, 32, OptimizerSpec.adam(1e-2), 0);

    /** Planted task: 4 features, class 1 exactly when x0 + x1 > x2 + x3; {@code flip} gives every row the other label. */
    private static DataSplit planted(int n, long seed, boolean flip) {
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), n, 4).castTo(DataType.FLOAT);
        INDArray margin = x.getColumn(0).add(x.getColumn(1)).sub(x.getColumn(2)).sub(x.getColumn(3));
        INDArray y = margin.gt(0).castTo(DataType.FLOAT);
        return new DataSplit(x, flip ? y.rsub(1) : y);
    }

    private static ModelGraph mlp(long seed) {
        return MlpBuilder.build("tiny", new long[] {4}, new int[] {16, 2}, 0.5f, 0.3f, seed);
    }

    private static double accuracy(ModelGraph g, DataSplit s) {
        INDArray pred = Inference.predict(g, s.features()).argMax(1).castTo(DataType.FLOAT);
        return pred.eq(s.labels()).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }

    /** Cross-entropy with the teacher's softmax as the only target: the labels are ignored. */
    private static final Function<LossInputs, SDVariable> TEACHER_ONLY = in -> in.sd().loss.softmaxCrossEntropy(
            in.sd().nn.softmax(in.teacherLogits(), 1), in.logits(), null);

    /**
     * A student shown only wrong labels but distilled from a teacher that learned the rule follows the teacher
     * (held-out accuracy on the true rule > 0.9); trained on the same wrong labels without the teacher it learns the
     * inverted rule (accuracy < 0.1). So the teacher's logits, not the labels, drove the distilled student.
     */
    @Test
    void studentFollowsTheTeacherNotTheLabels() {
        ModelGraph teacher = Trainer.fit(mlp(3), planted(1024, 1, false), 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of()).graph();
        DataSplit heldOut = planted(512, 2, false);
        assertTrue(accuracy(teacher, heldOut) > 0.95, "teacher accuracy");
        DataSplit wrong = planted(1024, 1, true);
        ModelGraph distilled = Trainer.fit(mlp(4), wrong, 2, SPEC, 5, TEACHER_ONLY,
                List.of(new TeacherFeed(teacher))).graph();
        ModelGraph plain = Trainer.fit(mlp(4), wrong, 2, SPEC, 5, Trainer.CROSS_ENTROPY, List.of()).graph();
        assertTrue(accuracy(distilled, heldOut) > 0.9, "distilled accuracy " + accuracy(distilled, heldOut));
        assertTrue(accuracy(plain, heldOut) < 0.1, "plain accuracy " + accuracy(plain, heldOut));
    }
}
