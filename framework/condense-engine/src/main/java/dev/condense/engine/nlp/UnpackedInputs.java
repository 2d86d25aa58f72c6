package dev.condense.engine.nlp;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The inverse of {@link PackedInputs#pack} on a graph that was packed and then trained, compressed or quantized:
 * {@link #restore} removes the single float input {@code packed_inputs [N, k, L]} and the {@code Slice / Reshape /
 * Cast} chain {@code pack} put before each original input, and makes the tensors those chains wrote
 * ({@code input_ids, attention_mask, token_type_ids} for an imported BERT-style encoder) graph inputs again, int64
 * {@code [N, L]}, in the packed order. Nothing else changes: every other node, initializer, weight annotation and
 * activation quantization is carried over, so the restored graph computes the packed graph's outputs from the
 * model's own inputs (the form an exported text model is expected to take).
 *
 * <p>Invariant: row {@code i} of the packed input is restored input {@code i}; float32 held the token values exactly
 * ({@link PackedInputs#features} refuses values beyond {@code 2^24}), so feeding the int64 rows gives the same outputs.
 */
public final class UnpackedInputs {
    private UnpackedInputs() {
    }

    /** Whether {@code graph} has {@link PackedInputs#pack}'s input and the first of its chains. */
    public static boolean isPacked(ModelGraph graph) {
        return graph.inputs().size() == 1 && graph.inputs().get(0).name().equals(PackedInputs.PACKED)
                && graph.producer(chain(0) + ".row").map(n -> n.name().equals(chain(0) + ".slice")).orElse(false);
    }

    /** The original inputs' names in packed order ({@code k} of them), or empty for a graph that is not packed. */
    public static Optional<List<String>> names(ModelGraph graph) {
        if (!isPacked(graph)) {
            return Optional.empty();
        }
        long k = graph.inputs().get(0).shape()[1];
        java.util.Map<String, Node> byName = new java.util.HashMap<>();
        graph.nodes().forEach(n -> byName.put(n.name(), n));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Node cast = byName.get(chain(i) + ".cast");
            if (cast == null || !cast.inputs().equals(List.of(chain(i) + ".float"))) {
                throw new IllegalArgumentException("packed input row " + i + " has no '" + chain(i)
                        + ".cast' node reading '" + chain(i) + ".float': the packed graph's input chain was changed");
            }
            names.add(cast.outputs().get(0));
        }
        return Optional.of(names);
    }

    /**
     * {@code packed} with its original int64 inputs restored.
     *
     * @throws IllegalArgumentException if the graph is not packed, or a node other than the chains reads the packed
     *                                  input or a chain's intermediate tensor, or one of them is quantized
     */
    public static ModelGraph restore(ModelGraph packed) {
        List<String> names = names(packed).orElseThrow(() -> new IllegalArgumentException(
                "the graph's input is not '" + PackedInputs.PACKED + "' with its unpacking chain"));
        ValueInfo in = packed.inputs().get(0);
        Set<String> chainNodes = new HashSet<>();
        Set<String> chainTensors = new HashSet<>(Set.of(PackedInputs.PACKED));
        Set<String> chainConstants = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String p = chain(i);
            chainNodes.addAll(List.of(p + ".slice", p + ".reshape", p + ".cast"));
            chainTensors.addAll(List.of(p + ".row", p + ".float"));
            chainConstants.addAll(List.of(p + ".starts", p + ".ends", p + ".axes", p + ".shape"));
        }
        ModelGraph.Builder b = ModelGraph.builder(packed.name());
        names.forEach(n -> b.input(new ValueInfo(n, ValueInfo.ElementType.INT64, new long[] {in.shape()[0],
                in.shape()[2]})));
        for (Node n : packed.nodes()) {
            if (chainNodes.contains(n.name())) {
                continue;
            }
            n.inputs().stream().filter(chainTensors::contains).findFirst().ifPresent(t -> {
                throw new IllegalArgumentException("node '" + n.name() + "' (" + n.opType() + ") reads '" + t
                        + "', part of the packed input, so the original inputs cannot be restored");
            });
            b.node(n);
        }
        packed.initializers().forEach((t, v) -> {
            if (!chainConstants.contains(t)) {
                b.initializer(t, v);
            }
        });
        packed.annotations().forEach((t, list) -> list.forEach(a -> b.annotate(t, a)));
        packed.activationQuantization().forEach((t, q) -> {
            if (chainTensors.contains(t)) {
                throw new IllegalArgumentException("the packed input tensor '" + t + "' is quantized; token ids"
                        + " cannot be quantized activations");
            }
            b.quantizeActivation(t, q);
        });
        packed.outputs().forEach(b::output);
        return b.build();
    }

    private static String chain(int i) {
        return PackedInputs.PACKED + "." + i;
    }
}
