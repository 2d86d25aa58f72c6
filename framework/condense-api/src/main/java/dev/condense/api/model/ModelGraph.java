package dev.condense.api.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Condense's model IR: an ONNX-aligned computation graph with its weights and pruning masks.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@link #nodes()} are in topological order; every node input is a graph input, an initializer, the output
 *       of an earlier node, or empty (an omitted optional input).</li>
 *   <li>Every tensor has one source: no two nodes write the same output, and no node writes a graph input's or an
 *       initializer's name. Every graph output is produced.</li>
 *   <li>Initializers follow ONNX layouts: Gemm weight {@code [out, in]} with {@code transB=1}, Conv weight
 *       {@code [outC, inC/groups, kH, kW]}. They are float32 unless an op needs int64 (Reshape shapes).</li>
 *   <li>A mask, when present for an initializer, has the same shape, holds only 0 and 1, and the initializer is
 *       zero wherever the mask is zero. Masked zeros are still stored: a mask is not a removal.</li>
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
    private final Map<String, INDArray> masks;
    /** Lazily built; a benign race at most builds it twice, and {@link TensorIndex} is immutable. */
    private volatile TensorIndex index;

    private ModelGraph(Builder b) {
        this.name = b.name;
        this.inputs = List.copyOf(b.inputs);
        this.outputs = List.copyOf(b.outputs);
        this.nodes = List.copyOf(b.nodes);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(b.initializers));
        this.masks = Collections.unmodifiableMap(new LinkedHashMap<>(b.masks));
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

    /** Pruning masks by initializer name; absent means dense. */
    public Map<String, INDArray> masks() {
        return masks;
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
        b.masks.putAll(masks);
        return b;
    }

    /**
     * Mutable builder; {@link #build()} checks the invariants that are cheap to check (topological order, inputs
     * exist, one source per tensor, outputs produced, mask shapes) and throws {@link IllegalStateException} naming
     * the node or tensor; it does not check mask values or layouts.
     */
    public static final class Builder {
        private String name;
        private final List<ValueInfo> inputs = new ArrayList<>();
        private final List<ValueInfo> outputs = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, INDArray> initializers = new LinkedHashMap<>();
        private final Map<String, INDArray> masks = new LinkedHashMap<>();

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
            masks.remove(tensor);
            return this;
        }

        public Builder mask(String tensor, INDArray mask) {
            masks.put(tensor, mask);
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
            for (var m : masks.entrySet()) {
                INDArray w = initializers.get(m.getKey());
                if (w == null || !java.util.Arrays.equals(w.shape(), m.getValue().shape())) {
                    throw new IllegalStateException("mask for '" + m.getKey() + "' does not match an initializer's shape");
                }
            }
            return new ModelGraph(this);
        }
    }
}
