package dev.condense.api.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Condense's model IR: an ONNX-aligned computation graph with its float weights and their annotations (pruning
 * masks, affine quantization, codebooks: {@link TensorAnnotation}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@link #nodes()} are in topological order; every node input is a graph input, an initializer, the output
 *       of an earlier node, or empty (an omitted optional input).</li>
 *   <li>Every tensor has one source: no two nodes write the same output, and no node writes a graph input's or an
 *       initializer's name. Every graph output is produced.</li>
 *   <li>Initializers follow ONNX layouts: Gemm weight {@code [out, in]} with {@code transB=1}, Conv weight
 *       {@code [outC, inC/groups, kH, kW]}. They are float32 unless an op needs int64 (Reshape shapes).</li>
 *   <li>Annotations belong to initializers: a tensor carries at most one annotation of each type, at most one of
 *       {@link AffineQuantization}, {@link Codebook} and {@link HalfPrecision}, and its float values agree with each annotation exactly
 *       ({@link TensorAnnotation#problemWith}): a {@link WeightMask} has the initializer's shape and the initializer
 *       is zero wherever the mask is zero (masked zeros are still stored: a mask is not a removal); a quantized
 *       initializer is float32 and holds its dequantized values; a codebook initializer holds
 *       {@code centroids[indices]}. The IR therefore stays float; the exporter alone materializes annotations.</li>
 *   <li>A graph is immutable: stages build a new graph with {@link #toBuilder()}; arrays handed in are owned by the
 *       graph and must not be mutated afterwards by the caller (use {@code dup()} before changing one).</li>
 * </ul>
 */
public final class ModelGraph {
    private final String name;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final List<Node> nodes;
    private final Map<String, INDArray> initializers;
    private final Map<String, List<TensorAnnotation>> annotations;
    private final Map<String, INDArray> masks;
    private final Map<String, ActivationQuantization> activations;
    /** Lazily built; a benign race at most builds it twice, and {@link TensorIndex} is immutable. */
    private volatile TensorIndex index;

    private ModelGraph(Builder b) {
        this.name = b.name;
        this.inputs = List.copyOf(b.inputs);
        this.outputs = List.copyOf(b.outputs);
        this.nodes = List.copyOf(b.nodes);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(b.initializers));
        Map<String, List<TensorAnnotation>> ann = new LinkedHashMap<>();
        Map<String, INDArray> m = new LinkedHashMap<>();
        b.annotations.forEach((tensor, byType) -> {
            ann.put(tensor, List.copyOf(byType.values()));
            if (byType.get(WeightMask.class) instanceof WeightMask mask) {
                m.put(tensor, mask.values());
            }
        });
        this.annotations = Collections.unmodifiableMap(ann);
        this.masks = Collections.unmodifiableMap(m);
        this.activations = Collections.unmodifiableMap(new LinkedHashMap<>(b.activations));
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** Weights by tensor name, in insertion order. */
    public Map<String, INDArray> initializers() {
        return initializers;
    }

    /** Pruning masks by initializer name; absent means dense. A view of the {@link WeightMask} annotations. */
    public Map<String, INDArray> masks() {
        return masks;
    }

    /** Every annotated initializer's annotations, in insertion order (tensors without one are absent). */
    public Map<String, List<TensorAnnotation>> annotations() {
        return annotations;
    }

    /**
     * How activation tensors (graph inputs and node outputs) are quantized at export, by tensor name in insertion
     * order; absent means float. {@link Builder#build()} checks each names a graph input or a node output.
     */
    public Map<String, ActivationQuantization> activationQuantization() {
        return activations;
    }

    /** The annotation of {@code type} on {@code tensor}, if it carries one. */
    public <A extends TensorAnnotation> Optional<A> annotation(String tensor, Class<A> type) {
        return annotations.getOrDefault(tensor, List.of()).stream().filter(type::isInstance).map(type::cast)
                .findFirst();
    }

    public Optional<INDArray> initializer(String tensor) {
        return Optional.ofNullable(initializers.get(tensor));
    }

    /** The node producing {@code tensor} (at most one: {@link Builder#build()} refuses a second), if any. O(1). */
    public Optional<Node> producer(String tensor) {
        return Optional.ofNullable(index().producers().get(tensor));
    }

    /** Nodes that read {@code tensor}, in graph order, each once. O(1) plus the size of the answer. */
    public List<Node> consumers(String tensor) {
        return index().consumers().getOrDefault(tensor, List.of());
    }

    /** The producer and consumer index, built on first use in O(nodes + edges); the graph is immutable. */
    private TensorIndex index() {
        TensorIndex i = index;
        if (i == null) {
            i = TensorIndex.of(nodes);
            index = i;
        }
        return i;
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.inputs.addAll(inputs);
        b.outputs.addAll(outputs);
        b.nodes.addAll(nodes);
        b.initializers.putAll(initializers);
        annotations.forEach((tensor, list) -> {
            Map<Class<?>, TensorAnnotation> byType = new LinkedHashMap<>();
            list.forEach(a -> byType.put(a.getClass(), a));
            b.annotations.put(tensor, byType);
            b.checked.put(tensor, initializers.get(tensor));
        });
        b.activations.putAll(activations);
        return b;
    }

    /**
     * Mutable builder; {@link #build()} checks the invariants that are cheap to check (topological order, inputs
     * exist, one source per tensor, outputs produced) and the annotations ({@link TensorAnnotation#problemWith},
     * O(elements) for each annotated tensor whose values or annotations changed since {@link #toBuilder()}); it
     * throws {@link IllegalStateException} naming the node or tensor. It does not check layouts.
     */
    public static final class Builder {
        private String name;
        private final List<ValueInfo> inputs = new ArrayList<>();
        private final List<ValueInfo> outputs = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, INDArray> initializers = new LinkedHashMap<>();
        private final Map<String, Map<Class<?>, TensorAnnotation>> annotations = new LinkedHashMap<>();
        private final Map<String, ActivationQuantization> activations = new LinkedHashMap<>();
        /** Annotated tensors whose value (this very array) already agreed with their unchanged annotations. */
        private final Map<String, INDArray> checked = new java.util.HashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder name(String newName) {
            this.name = newName;
            return this;
        }

        public Builder input(ValueInfo v) {
            inputs.add(v);
            return this;
        }

        public Builder output(ValueInfo v) {
            outputs.add(v);
            return this;
        }

        public Builder node(Node n) {
            nodes.add(n);
            return this;
        }

        /**
         * Replaces the node named {@code name} by {@code replacements}, in order, at its position (so a replacement
         * that reads what the node read and writes what it wrote keeps the topological order); initializers are not
         * touched.
         *
         * @throws IllegalArgumentException when no node has that name
         */
        public Builder replaceNode(String name, List<Node> replacements) {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).name().equals(name)) {
                    nodes.remove(i);
                    nodes.addAll(i, replacements);
                    return this;
                }
            }
            throw new IllegalArgumentException("no node named '" + name + "' to replace");
        }

        public Builder clearNodes() {
            nodes.clear();
            return this;
        }

        public Builder initializer(String tensor, INDArray value) {
            initializers.put(tensor, value);
            return this;
        }

        public Builder removeInitializer(String tensor) {
            initializers.remove(tensor);
            annotations.remove(tensor);
            return this;
        }

        /** Sets {@code tensor}'s pruning mask: {@code annotate(tensor, new WeightMask(mask))}. */
        public Builder mask(String tensor, INDArray mask) {
            return annotate(tensor, new WeightMask(mask));
        }

        /** Annotates {@code tensor}, replacing an annotation of the same type; the tensor's values are not changed. */
        public Builder annotate(String tensor, TensorAnnotation annotation) {
            java.util.Objects.requireNonNull(annotation, "annotation");
            annotations.computeIfAbsent(tensor, t -> new LinkedHashMap<>()).put(annotation.getClass(), annotation);
            checked.remove(tensor);
            return this;
        }

        /** Drops {@code tensor}'s annotation of {@code type}, if any. */
        public Builder removeAnnotation(String tensor, Class<? extends TensorAnnotation> type) {
            Map<Class<?>, TensorAnnotation> byType = annotations.get(tensor);
            if (byType != null && byType.remove(type) != null && byType.isEmpty()) {
                annotations.remove(tensor);
            }
            return this;
        }

        /** Quantizes activation {@code tensor} (a graph input or node output) at export, replacing an earlier one. */
        public Builder quantizeActivation(String tensor, ActivationQuantization quantization) {
            activations.put(tensor, java.util.Objects.requireNonNull(quantization, "quantization"));
            return this;
        }

        /** Leaves activation {@code tensor} in float at export. */
        public Builder removeActivationQuantization(String tensor) {
            activations.remove(tensor);
            return this;
        }

        public ModelGraph build() {
            java.util.Set<String> known = new java.util.HashSet<>(initializers.keySet());
            inputs.forEach(v -> known.add(v.name()));
            for (Node n : nodes) {
                for (String in : n.inputs()) {
                    if (!in.isEmpty() && !known.contains(in)) {
                        throw new IllegalStateException("node '" + n.name() + "' (" + n.opType()
                                + ") reads '" + in + "', which no earlier node, input or initializer provides");
                    }
                }
                for (String out : n.outputs()) {
                    if (!out.isEmpty() && !known.add(out)) {
                        throw new IllegalStateException("node '" + n.name() + "' (" + n.opType() + ") writes '" + out
                                + "', which an earlier node, input or initializer already provides");
                    }
                }
            }
            for (ValueInfo o : outputs) {
                if (!known.contains(o.name())) {
                    throw new IllegalStateException("graph output '" + o.name() + "' is never produced");
                }
            }
            checkAnnotations();
            for (String a : activations.keySet()) {
                if (initializers.containsKey(a) || !known.contains(a)) {
                    throw new IllegalStateException("activation quantization of '" + a + "': "
                            + (initializers.containsKey(a) ? "an initializer is not an activation (annotate weights"
                            + " with AffineQuantization)" : "no graph input or node output has that name"));
                }
            }
            return new ModelGraph(this);
        }

        private void checkAnnotations() {
            for (var e : annotations.entrySet()) {
                String tensor = e.getKey();
                INDArray w = initializers.get(tensor);
                Map<Class<?>, TensorAnnotation> byType = e.getValue();
                if (w == null) {
                    throw new IllegalStateException("'" + tensor + "' carries a " + byType.values().iterator().next()
                            .kind() + " annotation but is not an initializer");
                }
                if (byType.containsKey(AffineQuantization.class) && byType.containsKey(Codebook.class)) {
                    throw new IllegalStateException("initializer '" + tensor
                            + "' carries both an affine quantization and a codebook");
                }
                if (byType.containsKey(HalfPrecision.class)
                        && (byType.containsKey(AffineQuantization.class) || byType.containsKey(Codebook.class))) {
                    throw new IllegalStateException("initializer '" + tensor
                            + "' carries float16 storage and an integer quantization");
                }
                if (checked.get(tensor) == w) {
                    continue;
                }
                for (TensorAnnotation a : byType.values()) {
                    String problem = a.problemWith(w);
                    if (problem != null) {
                        throw new IllegalStateException(a.kind() + " annotation of initializer '" + tensor + "': "
                                + problem);
                    }
                }
                checked.put(tensor, w);
            }
        }
    }
}
