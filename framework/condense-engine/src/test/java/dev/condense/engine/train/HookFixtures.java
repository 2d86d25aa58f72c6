package dev.condense.engine.train;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.MlpBuilder;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small planted fixtures shared by the hook tests. */
final class HookFixtures {

    private HookFixtures() {
    }

    /** Planted task: 4 features, the class is 1 exactly when x0 + x1 > x2 + x3 (linearly separable). */
    static DataSplit planted(int n, long seed) {
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), n, 4).castTo(DataType.FLOAT);
        INDArray margin = x.getColumn(0).add(x.getColumn(1)).sub(x.getColumn(2)).sub(x.getColumn(3));
        return new DataSplit(x, margin.gt(0).castTo(DataType.FLOAT));
    }

    /**
     * 4 -> Gemm fc1 (16) -> Relu -> Gemm fc2 (2) MLP with input normalization; tensors {@code input},
     * {@code fc1.out}, {@code fc1.act} {@code [N, 16]}, {@code logits} {@code [N, 2]}.
     */
    static ModelGraph mlp(long seed) {
        return MlpBuilder.build("tiny", new long[] {4}, new int[] {16, 2}, 0.5f, 0.3f, seed);
    }

    static double accuracy(ModelGraph g, DataSplit s) {
        INDArray pred = Inference.predict(g, s.features()).argMax(1).castTo(DataType.FLOAT);
        return pred.eq(s.labels()).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }

    /** {@code g} with the given initializers replaced. */
    static ModelGraph with(ModelGraph g, Map<String, INDArray> initializers) {
        ModelGraph.Builder b = g.toBuilder();
        initializers.forEach(b::initializer);
        return b.build();
    }

    /** Value of tensor {@code tensor} of {@code g} in inference mode for input {@code x}. */
    static INDArray inferTensor(ModelGraph g, String tensor, INDArray x) {
        LoweredGraph l = SameDiffLowering.lower(g);
        return l.sd().output(Map.of(l.inputName(), x), tensor).get(tensor);
    }

    /** A hook that runs {@code action} after every step. */
    static TrainingHook afterEveryStep(java.util.function.Consumer<StepState> action) {
        return new TrainingHook() {
            @Override
            public void afterStep(StepState step) {
                action.accept(step);
            }
        };
    }

    /** A hook that runs {@code action} before every step (after the hooks listed before it fed their placeholders). */
    static TrainingHook beforeEveryStep(java.util.function.Consumer<StepState> action) {
        return new TrainingHook() {
            @Override
            public void beforeStep(StepState step) {
                action.accept(step);
            }
        };
    }
}
