package dev.condense.engine.nlp;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.train.SameDiffLowering;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-input training of a text encoder through the single-input trainer: the graph's {@code k} int64 inputs of
 * shape {@code [N, L]} (e.g. {@code input_ids, attention_mask, token_type_ids}) are packed into one float32 input
 * {@link #PACKED} {@code [N, k, L]}, and the packed graph begins with, for each original input {@code i},
 * {@code Slice(packed, [i, i+1) on axis 1) -> [N, 1, L]}, {@code Reshape -> [N, L]} and {@code Cast(to INT64)}
 * writing the original input's tensor name.
 * Every other node, initializer and output is the original graph's, so {@link dev.condense.engine.train.Trainer}
 * trains it as any one-input classifier (its trainable weights keep their names), and {@link #unpack} puts the
 * trained weights back into the original multi-input graph for export.
 *
 * <p>Invariant: float32 holds every integer up to {@code 2^24} exactly, so token ids (MiniLM's vocabulary: 30,522),
 * masks and token types survive the round trip; {@link #features} refuses larger values.
 */
public final class PackedInputs {
    /** The packed graph's single input, float32 {@code [N, k, L]}. */
    public static final String PACKED = "packed_inputs";
    private static final long EXACT = 1L << 24;

    private PackedInputs() {
    }

    /**
     * The graph with its int64 inputs packed into {@link #PACKED}.
     *
     * @throws IllegalArgumentException if an input is not int64 {@code [N, L]} with the same fixed {@code L}
     */
    public static ModelGraph pack(ModelGraph graph) {
        return pack(graph, graph.inputs().stream().map(ValueInfo::name).toList());
    }

    /**
     * As {@link #pack(ModelGraph)}, with the inputs in the packed rows in {@code order} (all the graph's input names;
     * e.g. a teacher packed the way its student was).
     *
     * @throws IllegalArgumentException also if {@code order} does not name every input once
     */
    public static ModelGraph pack(ModelGraph graph, List<String> order) {
        Map<String, ValueInfo> byName = new java.util.HashMap<>();
        graph.inputs().forEach(i -> byName.put(i.name(), i));
        if (order.size() != byName.size() || !new java.util.HashSet<>(order).equals(byName.keySet())) {
            throw new IllegalArgumentException("the packed order " + order + " must name each of the graph's inputs "
                    + byName.keySet() + " once");
        }
        List<ValueInfo> ins = order.stream().map(byName::get).toList();
        long length = -1;
        for (ValueInfo in : ins) {
            long[] s = in.shape();
            if (in.type() != ValueInfo.ElementType.INT64 || s.length != 2 || s[1] < 1
                    || (length >= 0 && s[1] != length)) {
                throw new IllegalArgumentException("packing needs int64 inputs [N, L] of one fixed L; graph input '"
                        + in.name() + "' is " + in.type() + " " + Arrays.toString(s));
            }
            length = s[1];
        }
        ModelGraph.Builder b = ModelGraph.builder(graph.name())
                .input(new ValueInfo(PACKED, ValueInfo.ElementType.FLOAT, new long[] {-1, ins.size(), length}));
        for (int i = 0; i < ins.size(); i++) {
            String name = ins.get(i).name();
            String p = PACKED + "." + i;
            b.initializer(p + ".starts", Nd4j.createFromArray(new long[] {i}))
                    .initializer(p + ".ends", Nd4j.createFromArray(new long[] {i + 1}))
                    .initializer(p + ".axes", Nd4j.createFromArray(new long[] {1}))
                    .initializer(p + ".shape", Nd4j.createFromArray(new long[] {0, length}))
                    .node(new Node(p + ".slice", "Slice", List.of(PACKED, p + ".starts", p + ".ends", p + ".axes"),
                            List.of(p + ".row"), Map.of()))
                    .node(new Node(p + ".reshape", "Reshape", List.of(p + ".row", p + ".shape"), List.of(p + ".float"),
                            Map.of()))
                    .node(new Node(p + ".cast", "Cast", List.of(p + ".float"), List.of(name),
                            Map.of("to", (long) onnx.Onnx.TensorProto.DataType.INT64_VALUE)));
        }
        graph.nodes().forEach(b::node);
        graph.initializers().forEach(b::initializer);
        graph.outputs().forEach(b::output);
        return b.build();
    }

    /**
     * {@code original} with each of its trainable initializers ({@link SameDiffLowering#trainableInitializers}) that
     * {@code trained} holds replaced by the trained value. Constants are left alone: they may depend on the sequence
     * length (folded position ids {@code [1, L]}), so the weights can go into the encoder imported at another length.
     *
     * @throws IllegalArgumentException if a trained weight's shape differs
     */
    public static ModelGraph unpack(ModelGraph trained, ModelGraph original) {
        ModelGraph.Builder b = original.toBuilder();
        for (String name : SameDiffLowering.trainableInitializers(original)) {
            var e = Map.entry(name, original.initializers().get(name));
            INDArray t = trained.initializers().get(name);
            if (t == null) {
                continue;
            }
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("initializer '" + e.getKey() + "' is " + Arrays.toString(t.shape())
                        + " trained but " + Arrays.toString(e.getValue().shape()) + " in the target graph");
            }
            b.initializer(e.getKey(), t);
        }
        return b.build();
    }

    /**
     * The packed features of {@code inputs} (in the graph's input order), float32 {@code [N, k, L]}.
     *
     * @throws IllegalArgumentException if shapes differ or a value is outside {@code [-2^24, 2^24]}
     */
    public static INDArray features(List<INDArray> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs to pack");
        }
        long[] shape = inputs.get(0).shape();
        List<INDArray> rows = new ArrayList<>();
        for (INDArray x : inputs) {
            if (!Arrays.equals(shape, x.shape()) || shape.length != 2) {
                throw new IllegalArgumentException("inputs to pack must all be [N, L]; got " + Arrays.toString(shape)
                        + " and " + Arrays.toString(x.shape()));
            }
            if (x.length() > 0 && x.castTo(DataType.DOUBLE).amaxNumber().doubleValue() > EXACT) {
                throw new IllegalArgumentException("a value beyond 2^24 cannot be packed into float32 exactly");
            }
            rows.add(x.castTo(DataType.FLOAT).reshape(shape[0], 1, shape[1]));
        }
        return Nd4j.concat(1, rows.toArray(INDArray[]::new));
    }
}
