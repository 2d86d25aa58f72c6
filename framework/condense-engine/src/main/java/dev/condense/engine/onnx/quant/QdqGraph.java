package dev.condense.engine.onnx.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * A mutable working copy of an ONNX graph for the QDQ rewrites: the nodes in order (a removed node becomes null
 * until {@link #compact}), the initializers by name, the graph's input and output names, and an index of
 * producers and consumers rebuilt by {@link #reindex} after each change of wiring.
 */
final class QdqGraph {
    final List<NodeProto> nodes;
    final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    final Set<String> inputs = new HashSet<>();
    final Set<String> outputs = new HashSet<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> producer = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();

    QdqGraph(GraphProto g) {
        nodes = new ArrayList<>(g.getNodeList());
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        g.getInputList().forEach(v -> inputs.add(v.getName()));
        g.getOutputList().forEach(v -> outputs.add(v.getName()));
        used.addAll(initializers.keySet());
        used.addAll(inputs);
        used.addAll(outputs);
        for (NodeProto n : nodes) {
            used.add(n.getName());
            used.addAll(n.getOutputList());
        }
        reindex();
    }

    /** Rebuilds the producer and consumer index from the current nodes. */
    void reindex() {
        producer.clear();
        consumers.clear();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (n == null) {
                continue;
            }
            for (String o : n.getOutputList()) {
                producer.put(o, i);
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
        }
    }

    /** The node writing {@code tensor}, or null (graph input, initializer, unknown). */
    NodeProto producer(String tensor) {
        Integer i = producer.get(tensor);
        return i == null ? null : nodes.get(i);
    }

    /** The indices of the nodes reading {@code tensor} (one entry per node, even when it reads it twice). */
    List<Integer> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of()).stream().distinct().toList();
    }

    /** The one node reading {@code tensor}, or null when none or several do or it is a graph output. */
    NodeProto soleConsumer(String tensor) {
        List<Integer> c = consumers(tensor);
        return c.size() == 1 && !outputs.contains(tensor) ? nodes.get(c.get(0)) : null;
    }

    int indexOf(NodeProto n) {
        return producer.getOrDefault(n.getOutput(0), -1);
    }

    /** A name not yet used in the graph, {@code base} or {@code base_1}, {@code base_2}, ... */
    String fresh(String base) {
        String name = base;
        for (int i = 1; !used.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    boolean isQuantize(NodeProto n) {
        return n != null && n.getDomain().isEmpty() && n.getOpType().equals("QuantizeLinear");
    }

    boolean isDequantize(NodeProto n) {
        return n != null && n.getDomain().isEmpty() && n.getOpType().equals("DequantizeLinear");
    }

    /** The DequantizeLinear of a runtime tensor (an activation) writing {@code tensor}, or null. */
    NodeProto activationDq(String tensor) {
        NodeProto p = producer(tensor);
        return isDequantize(p) && !initializers.containsKey(p.getInput(0)) ? p : null;
    }

    /** The DequantizeLinear of an initializer (a stored weight or bias) writing {@code tensor}, or null. */
    NodeProto weightDq(String tensor) {
        NodeProto p = producer(tensor);
        return isDequantize(p) && initializers.containsKey(p.getInput(0)) ? p : null;
    }

    /** The quantization parameters of a QuantizeLinear or DequantizeLinear node. */
    QParams params(NodeProto n) {
        return QParams.of(n, initializers);
    }

    /** Drops null nodes and nodes whose outputs nobody reads (Q/DQ and folded helpers), then unread initializers. */
    void compact() {
        boolean changed = true;
        while (changed) {
            changed = false;
            reindex();
            for (int i = 0; i < nodes.size(); i++) {
                NodeProto n = nodes.get(i);
                if (n != null && n.getOutputList().stream().allMatch(o -> consumers(o).isEmpty() && !outputs.contains(o))) {
                    nodes.set(i, null);
                    changed = true;
                }
            }
        }
        nodes.removeIf(n -> n == null);
        reindex();
        initializers.keySet().removeIf(t -> consumers(t).isEmpty() && !outputs.contains(t));
    }

    /** The graph with the current nodes and initializers; inputs, outputs and value infos as in {@code g}. */
    GraphProto toProto(GraphProto g) {
        GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer().clearValueInfo();
        nodes.forEach(b::addNode);
        initializers.values().forEach(b::addInitializer);
        return b.build();
    }
}
