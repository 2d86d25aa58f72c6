package dev.condense.engine.zoo;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.model.ValueInfo.ElementType;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds a fully connected ReLU classifier as a {@link ModelGraph}.
 *
 * <p>Graph: {@code input [N, ...] -> Flatten -> Sub(mean) -> Div(std) -> [Dropout] -> (Gemm -> Relu [-> Dropout])* -> Gemm
 * -> logits [N, C]}.
 * Normalization is inside the graph (design invariant 2), so the exported model takes raw inputs. Gemm weights
 * are {@code fcK.weight [out, in]} with {@code transB=1}, biases {@code fcK.bias [out]} (zero). Weights are drawn
 * from the Glorot uniform distribution {@code U(-a, a), a = sqrt(6 / (in + out))} (Glorot &amp; Bengio 2010) with a
 * generator seeded by {@code seed}, so the same seed gives the same bytes.
 */
public final class MlpBuilder {
    private MlpBuilder() {
    }

    /**
     * @param name        graph name
     * @param inputShape  per-sample input shape, e.g. {@code [1, 28, 28]}
     * @param widths      layer widths from the first hidden layer to the number of classes, e.g. {@code [300, 100, 10]}
     * @param mean        input normalization mean
     * @param std         input normalization standard deviation, &gt; 0
     * @param seed        initialization seed
     */
    public static ModelGraph build(String name, long[] inputShape, int[] widths, float mean, float std, long seed) {
        return build(name, inputShape, widths, mean, std, seed, 0f);
    }

    /**
     * As {@link #build(String, long[], int[], float, float, long)}, with a Dropout (Srivastava et al. 2014) of
     * probability {@code dropout} after every hidden ReLU ({@code fcK.act -> fcK.drop}, ratio initializer
     * {@code drop.ratio}) when {@code dropout > 0}; training drops, inference is the identity.
     *
     * @param dropout drop probability in [0, 1); 0 adds no Dropout nodes
     */
    public static ModelGraph build(String name, long[] inputShape, int[] widths, float mean, float std, long seed,
                                   float dropout) {
        return build(name, inputShape, widths, mean, std, seed, 0f, dropout);
    }

    /**
     * As {@link #build(String, long[], int[], float, float, long, float)}, with also a Dropout of probability
     * {@code inputDropout} on the normalized input ({@code x0 -> input.drop}, ratio initializer {@code input.drop.ratio})
     * when {@code inputDropout > 0}: Hinton et al. (2012) and Srivastava et al. (2014) drop 20% of the input pixels
     * and 50% of the hidden units, the regularization of Hinton, Vinyals &amp; Dean's (2015) MNIST teacher.
     *
     * @param inputDropout drop probability of the input features in [0, 1); 0 adds no input Dropout node
     * @param dropout      drop probability after each hidden ReLU in [0, 1); 0 adds no hidden Dropout nodes
     */
    public static ModelGraph build(String name, long[] inputShape, int[] widths, float mean, float std, long seed,
                                   float inputDropout, float dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
        if (!(inputDropout >= 0 && inputDropout < 1)) {
            throw new IllegalArgumentException("input dropout must be in [0, 1), was " + inputDropout);
        }
        long[] in = new long[inputShape.length + 1];
        in[0] = -1;
        System.arraycopy(inputShape, 0, in, 1, inputShape.length);
        long features = 1;
        for (long d : inputShape) {
            features *= d;
        }
        ModelGraph.Builder g = ModelGraph.builder(name)
                .input(new ValueInfo("input", ElementType.FLOAT, in))
                .output(new ValueInfo("logits", ElementType.FLOAT, new long[] {-1, widths[widths.length - 1]}))
                .initializer("norm.mean", Nd4j.scalar(DataType.FLOAT, mean).reshape(1))
                .initializer("norm.std", Nd4j.scalar(DataType.FLOAT, std).reshape(1))
                .node(new Node("flatten", "Flatten", List.of("input"), List.of("flat"), Map.of("axis", 1L)))
                .node(new Node("norm.sub", "Sub", List.of("flat", "norm.mean"), List.of("centered"), Map.of()))
                .node(new Node("norm.div", "Div", List.of("centered", "norm.std"), List.of("x0"), Map.of()));
        if (dropout > 0) {
            g.initializer("drop.ratio", Nd4j.scalar(DataType.FLOAT, dropout));
        }
        String x = "x0";
        if (inputDropout > 0) {
            g.initializer("input.drop.ratio", Nd4j.scalar(DataType.FLOAT, inputDropout))
                    .node(new Node("input.dropout", "Dropout", List.of(x, "input.drop.ratio"), List.of("input.drop"),
                            Map.of()));
            x = "input.drop";
        }
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        long fanIn = features;
        for (int k = 0; k < widths.length; k++) {
            String layer = "fc" + (k + 1);
            int out = widths[k];
            double a = Math.sqrt(6.0 / (fanIn + out));
            INDArray w = Nd4j.rand(rng, out, fanIn).castTo(DataType.FLOAT).muli(2 * a).subi(a);
            g.initializer(layer + ".weight", w).initializer(layer + ".bias", Nd4j.zeros(DataType.FLOAT, out));
            boolean last = k == widths.length - 1;
            String y = last ? "logits" : layer + ".out";
            g.node(new Node(layer, "Gemm", List.of(x, layer + ".weight", layer + ".bias"), List.of(y),
                    Map.of("transB", 1L)));
            if (!last) {
                g.node(new Node(layer + ".relu", "Relu", List.of(y), List.of(layer + ".act"), Map.of()));
                x = layer + ".act";
                if (dropout > 0) {
                    g.node(new Node(layer + ".dropout", "Dropout", List.of(x, "drop.ratio"), List.of(layer + ".drop"),
                            Map.of()));
                    x = layer + ".drop";
                }
            }
            fanIn = out;
        }
        return g.build();
    }
}
