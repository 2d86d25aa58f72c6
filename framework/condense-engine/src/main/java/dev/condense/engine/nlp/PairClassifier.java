package dev.condense.engine.nlp;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A classification head over pooled sentence features and its attachment to a pooled encoder: the frozen-encoder
 * teacher (features computed once by {@link EncoderFeatures}, the head trained on them by the engine's trainer, then
 * {@link #attach}ed so the exported model maps {@code input_ids, attention_mask, token_type_ids} to logits).
 *
 * <p>Head: {@code Gemm(H -> hidden) -> Relu -> Gemm(hidden -> classes)} (Glorot-uniform weights from a seeded
 * generator, zero biases), or one {@code Gemm(H -> classes)} when {@code hidden} is 0. Its input is named
 * {@link MeanPooling#POOLED} and its output {@link #LOGITS} ({@code [N, classes]}).
 */
public final class PairClassifier {
    /** The logits tensor of the head and of the attached teacher. */
    public static final String LOGITS = "logits";

    private PairClassifier() {
    }

    /** A fresh head for {@code width}-wide features. */
    public static ModelGraph head(long width, int hidden, int classes, long seed) {
        if (width < 1 || hidden < 0 || classes < 2) {
            throw new IllegalArgumentException("need width >= 1, hidden >= 0, classes >= 2; got " + width + ", "
                    + hidden + ", " + classes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        ModelGraph.Builder b = ModelGraph.builder("head")
                .input(new ValueInfo(MeanPooling.POOLED, ValueInfo.ElementType.FLOAT, new long[] {-1, width}));
        String in = MeanPooling.POOLED;
        long inWidth = width;
        if (hidden > 0) {
            b.initializer("head.fc1.weight", glorot(random, hidden, inWidth)).initializer("head.fc1.bias",
                    Nd4j.zeros(DataType.FLOAT, hidden))
                    .node(new Node("head.fc1", "Gemm", List.of(in, "head.fc1.weight", "head.fc1.bias"),
                            List.of("head.fc1.out"), Map.of("transB", 1L)))
                    .node(new Node("head.relu", "Relu", List.of("head.fc1.out"), List.of("head.hidden"), Map.of()));
            in = "head.hidden";
            inWidth = hidden;
        }
        b.initializer("head.fc2.weight", glorot(random, classes, inWidth))
                .initializer("head.fc2.bias", Nd4j.zeros(DataType.FLOAT, classes))
                .node(new Node("head.fc2", "Gemm", List.of(in, "head.fc2.weight", "head.fc2.bias"), List.of(LOGITS),
                        Map.of("transB", 1L)));
        return b.output(new ValueInfo(LOGITS, ValueInfo.ElementType.FLOAT, new long[] {-1, classes})).build();
    }

    /** {@code pooledEncoder} (output {@link MeanPooling#POOLED}) followed by {@code head}: the teacher graph. */
    public static ModelGraph attach(ModelGraph pooledEncoder, ModelGraph head) {
        ModelGraph.Builder b = ModelGraph.builder(pooledEncoder.name() + "+head");
        pooledEncoder.inputs().forEach(b::input);
        pooledEncoder.nodes().forEach(b::node);
        head.nodes().forEach(b::node);
        pooledEncoder.initializers().forEach(b::initializer);
        head.initializers().forEach(b::initializer);
        head.outputs().forEach(b::output);
        return b.build();
    }

    private static INDArray glorot(SplittableRandom random, long out, long in) {
        double limit = Math.sqrt(6.0 / (in + out));
        float[] w = new float[(int) (out * in)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return Nd4j.createFromArray(w).reshape(out, in);
    }
}
