package dev.condense.engine.nlp;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Masked mean pooling of an encoder's token states, as sentence-transformers pools all-MiniLM-L6-v2 (Reimers and
 * Gurevych 2019): {@code pooled[n, :] = sum_t mask[n, t] * hidden[n, t, :] / sum_t mask[n, t]}, built from IR ops
 * ({@code Unsqueeze, Cast, Mul, ReduceMean, ReduceMean, Div}: the two means over the sequence axis share the factor
 * {@code 1/L}, which cancels), so the pooled encoder exports and lowers like any graph.
 */
public final class MeanPooling {
    /** The output tensor of the pooled graph, float32 {@code [N, H]}. */
    public static final String POOLED = "pooled";

    private MeanPooling() {
    }

    /**
     * {@code encoder} with its single output {@code hidden} ({@code [N, L, H]}) replaced by the pooled
     * {@link #POOLED} {@code [N, H]}, pooling over the int64 graph input {@code mask} ({@code [N, L]}).
     */
    public static ModelGraph append(ModelGraph encoder, String hidden, String mask) {
        ValueInfo out = encoder.outputs().stream().filter(v -> v.name().equals(hidden)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the encoder has no output '" + hidden + "'"));
        long[] s = out.shape();
        if (s.length != 3 || s[2] < 1) {
            throw new IllegalArgumentException("pooling needs token states [N, L, H] with a static H, got "
                    + java.util.Arrays.toString(s));
        }
        ModelGraph.Builder b = ModelGraph.builder(encoder.name());
        encoder.inputs().forEach(b::input);
        encoder.nodes().forEach(b::node);
        encoder.initializers().forEach(b::initializer);
        String p = "pool.";
        b.initializer(p + "axes", Nd4j.createFromArray(2L))
                .node(new Node(p + "unsqueeze", "Unsqueeze", List.of(mask, p + "axes"), List.of(p + "mask3"), Map.of()))
                .node(new Node(p + "cast", "Cast", List.of(p + "mask3"), List.of(p + "maskf"), Map.of("to", 1L)))
                .node(new Node(p + "mul", "Mul", List.of(hidden, p + "maskf"), List.of(p + "masked"), Map.of()))
                .node(new Node(p + "sum", "ReduceMean", List.of(p + "masked"), List.of(p + "sum"),
                        Map.of("axes", new long[] {1}, "keepdims", 0L)))
                .node(new Node(p + "count", "ReduceMean", List.of(p + "maskf"), List.of(p + "count"),
                        Map.of("axes", new long[] {1}, "keepdims", 0L)))
                .node(new Node(p + "div", "Div", List.of(p + "sum", p + "count"), List.of(POOLED), Map.of()));
        return b.output(new ValueInfo(POOLED, ValueInfo.ElementType.FLOAT, new long[] {-1, s[2]})).build();
    }
}
