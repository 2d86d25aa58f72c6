package dev.condense.plugin.distill.softlabel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.data.DataSplit;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.train.Inference;
import dev.condense.engine.train.TeacherFeed;
import dev.condense.engine.train.Trainer;
import dev.condense.engine.zoo.MlpBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The soft-label loss through the engine's training step (SameDiff's session for the first step, the recorded op
 * plan after it, the teacher cache or the live teacher feeding each row its own logits), against the closed form of
 * Hinton et al. (2015): for a linear student {@code s = x W^T + b} trained full-batch by plain SGD, every step is
 * {@code W -= lr G^T x}, {@code b -= lr sum_n G_n} with
 * {@code G = (alpha T (softmax(s/T) - softmax(t/T)) + (1 - alpha) (softmax(s) - y)) / N}. The rows are shuffled
 * every epoch, so a teacher row handed to the wrong student row changes {@code G^T x}. Logit regression (Ba and
 * Caruana 2014) the same way, its regression gradient being {@code alpha (s - t) / C}.
 */
class SoftLabelTrainingStepTest {
    private static final int N = 6;
    private static final int C = 3;
    private static final int STEPS = 3;
    private static final double LR = 0.05;

    @TempDir
    Path dir;

    /** A linear student [N, 4] -> [N, 3] (normalization mean 0, std 1, so the Gemm sees the raw rows). */
    private static ModelGraph student() {
        return MlpBuilder.build("student", new long[] {4}, new int[] {C}, 0f, 1f, 5);
    }

    /** A one-hidden-layer teacher whose output layer is scaled by 12, so its logits span tens like a trained net's. */
    private static ModelGraph teacher() {
        ModelGraph t = MlpBuilder.build("teacher", new long[] {4}, new int[] {16, C}, 0f, 1f, 9);
        return t.toBuilder().initializer("fc2.weight", t.initializers().get("fc2.weight").mul(12)).build();
    }

    private static DataSplit rows() {
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(3), N, 4).castTo(DataType.FLOAT)
                .subi(0.5).muli(4);
        INDArray y = Nd4j.createFromArray(0f, 2f, 1f, 1f, 0f, 2f);
        return new DataSplit(x, y);
    }

    /**
     * {@code STEPS} full-batch SGD steps of the closed-form gradient; returns {W, b}. Temperature 0 stands for logit
     * regression, whose regression term's gradient is {@code alpha (s - t) / C}.
     */
    private static INDArray[] closedForm(DataSplit data, INDArray teacherLogits, double temperature, double alpha) {
        ModelGraph g = student();
        INDArray w = g.initializers().get("fc1.weight").castTo(DataType.DOUBLE);
        INDArray b = g.initializers().get("fc1.bias").castTo(DataType.DOUBLE);
        INDArray x = data.features().castTo(DataType.DOUBLE);
        INDArray t = teacherLogits.castTo(DataType.DOUBLE);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, N, C);
        for (int n = 0; n < N; n++) {
            y.putScalar(n, data.labels().getInt(n), 1.0);
        }
        INDArray target = Transforms.softmax(t.div(Math.max(temperature, 1)), true);
        for (int k = 0; k < STEPS; k++) {
            INDArray s = x.mmul(w.transpose()).addRowVector(b);
            INDArray soft = temperature == 0 ? s.sub(t).muli(alpha / C)
                    : Transforms.softmax(s.div(temperature), true).subi(target).muli(alpha * temperature);
            INDArray hard = Transforms.softmax(s, true).subi(y).muli(1 - alpha);
            INDArray grad = soft.addi(hard).divi(N);
            w.subi(grad.transpose().mmul(x).muli(LR));
            b.subi(grad.sum(0).muli(LR));
        }
        return new INDArray[] {w, b};
    }

    private static void assertTrainedLike(DataSplit data, ModelGraph teacher, TeacherFeed feed, double temperature,
                                          double alpha) {
        Function<LossInputs, SDVariable> loss = temperature == 0
                ? in -> new LogitRegressionLoss().loss(in, new LogitRegressionParams(alpha))
                : in -> new SoftLabelLoss().loss(in, new SoftLabelParams(temperature, alpha));
        INDArray t = Inference.predict(teacher, data.features());
        INDArray[] expected = closedForm(data, t, temperature, alpha);
        TrainSpec spec = new TrainSpec(STEPS, N, new OptimizerSpec("sgd", LR, 0, 0), 0);
        ModelGraph trained = Trainer.fit(student(), data, C, spec, 17, loss, List.of(feed)).graph();
        INDArray w = trained.initializers().get("fc1.weight").castTo(DataType.DOUBLE);
        INDArray b = trained.initializers().get("fc1.bias").castTo(DataType.DOUBLE);
        INDArray w0 = student().initializers().get("fc1.weight").castTo(DataType.DOUBLE);
        double moved = expected[0].sub(w0).norm2Number().doubleValue();
        assertEquals(0.0, w.sub(expected[0]).norm2Number().doubleValue(), 1e-4 * moved, "weights, T " + temperature);
        assertEquals(0.0, b.sub(expected[1]).norm2Number().doubleValue(), 1e-4 * moved, "biases, T " + temperature);
    }

    @Test
    void cachedTeacherStepsFollowTheClosedFormAtTemperatureTwenty() {
        ModelGraph teacher = teacher();
        assertTrainedLike(rows(), teacher, TeacherFeed.cached(teacher, dir.resolve("t20.f32"), N), 20, 0.9);
    }

    @Test
    void cachedTeacherStepsFollowTheClosedFormAtTemperatureThreeSoftOnly() {
        ModelGraph teacher = teacher();
        assertTrainedLike(rows(), teacher, TeacherFeed.cached(teacher, dir.resolve("t3.f32"), N), 3, 1.0);
    }

    @Test
    void logitRegressionStepsFollowTheClosedForm() {
        ModelGraph teacher = teacher();
        assertTrainedLike(rows(), teacher, TeacherFeed.cached(teacher, dir.resolve("lr.f32"), N), 0, 0.7);
    }

    @Test
    void liveTeacherStepsFollowTheClosedForm() {
        ModelGraph teacher = teacher();
        assertTrainedLike(rows(), teacher, new TeacherFeed(teacher), 8, 0.5);
    }
}
