package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.MlpBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ProbesTest {
    /** Four rows, two features, two classes. */
    private final DataSplit split = new DataSplit(
            Nd4j.create(new float[] {1, 0, 0, 1, 2, 1, -1, 3}, new long[] {4, 2}),
            Nd4j.create(new float[] {0, 1, 0, 1}));

    /** One Gemm layer with zero weights: logits 0, softmax 1/2, so dL/dW = (1/2 - y)^T x / N exactly. */
    private ModelGraph zeroLinear() {
        ModelGraph g = MlpBuilder.build("lin", new long[] {2}, new int[] {2}, 0f, 1f, 1);
        return g.toBuilder().initializer("fc1.weight", Nd4j.zeros(DataType.FLOAT, 2, 2)).build();
    }

    @Test
    void gradientOfSoftmaxCrossEntropyMatchesTheClosedForm() {
        Map<String, INDArray> g = Probes.gradients(zeroLinear(), split, 2, List.of("fc1.weight", "fc1.bias"), 1, 4, 3);
        INDArray y = Nd4j.create(new float[] {1, 0, 0, 1, 1, 0, 0, 1}, new long[] {4, 2});
        INDArray expected = y.rsub(0.5).transpose().mmul(split.features()).div(4);
        assertTrue(expected.equalsWithEps(g.get("fc1.weight"), 1e-6), g.get("fc1.weight") + " vs " + expected);
        assertEquals(0.0, g.get("fc1.bias").sumNumber().doubleValue(), 1e-6, "two of each class: bias gradients cancel");
    }

    @Test
    void activationsReturnTheNamedTensorsForSeededRows() {
        Map<String, INDArray> a = Probes.activations(zeroLinear(), split, 2, List.of("x0", "logits"), 4, 5);
        assertEquals(List.of(4L, 2L), List.of(a.get("x0").size(0), a.get("x0").size(1)));
        assertEquals(split.features().sumNumber().doubleValue(), a.get("x0").sumNumber().doubleValue(), 1e-6,
                "all four rows, in some order, normalized with mean 0 and std 1");
        assertEquals(0.0, a.get("logits").norm1Number().doubleValue(), 0.0);
    }
}
