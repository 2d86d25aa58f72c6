package dev.condense.api.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which node produces and which nodes read each tensor of a {@link ModelGraph}, so that
 * {@link ModelGraph#producer} and {@link ModelGraph#consumers} cost O(1) instead of a scan of every node (which
 * made walks over a graph O(n^2) in its node count). Built in one pass, O(nodes + edges).
 *
 * @param producers tensor name to the first node (in graph order) listing it as an output
 * @param consumers tensor name to the nodes reading it, in graph order, each node once (unmodifiable lists)
 */
record TensorIndex(Map<String, Node> producers, Map<String, List<Node>> consumers) {

    static TensorIndex of(List<Node> nodes) {
        Map<String, Node> producers = new HashMap<>();
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node n : nodes) {
            for (String out : n.outputs()) {
                producers.putIfAbsent(out, n);
            }
            List<String> ins = n.inputs();
            for (int k = 0; k < ins.size(); k++) {
                String in = ins.get(k);
                if (ins.indexOf(in) == k) { // a node reading a tensor twice (Mul(x, x)) is one consumer
                    consumers.computeIfAbsent(in, t -> new ArrayList<>()).add(n);
                }
            }
        }
        consumers.replaceAll((t, l) -> List.copyOf(l));
        return new TensorIndex(Map.copyOf(producers), Map.copyOf(consumers));
    }
}
