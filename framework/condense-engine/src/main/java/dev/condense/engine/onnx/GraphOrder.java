package dev.condense.engine.onnx;

import dev.condense.api.model.Node;
import dev.condense.engine.text.Quote;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Graph-level structure checks of an imported node list, and its topological order. All O(nodes + edges).
 *
 * <ul>
 *   <li>Node names are unique (recipes and reports address layers by name).</li>
 *   <li>Every tensor has one source: no two nodes write the same output, and no node writes a graph input or
 *       initializer.</li>
 *   <li>Every non-empty node input is a graph input, an initializer or some node's output (no dangling name).</li>
 *   <li>The graph is acyclic. Nodes out of topological order are sorted (Kahn's algorithm, ties in file order, so
 *       a sorted graph keeps its order); a cycle is reported with the nodes on it.</li>
 * </ul>
 * Failures are {@link IllegalArgumentException}s naming the node and its op; the importer adds the file.
 */
final class GraphOrder {

    private GraphOrder() {
    }

    /**
     * {@code nodes} in topological order.
     *
     * @param available names of graph inputs and initializers
     */
    static List<Node> sort(List<Node> nodes, Set<String> available) {
        Map<String, Integer> producer = new HashMap<>();
        Map<String, Node> names = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            Node same = names.putIfAbsent(n.name(), n);
            if (same != null) {
                throw new IllegalArgumentException("node name '" + Quote.cut(n.name()) + "' is used twice: " + same.opType()
                        + " and " + n.opType() + " nodes");
            }
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (available.contains(out)) {
                    throw new IllegalArgumentException(where(n) + " writes '" + Quote.cut(out)
                            + "', which is already a graph input or initializer");
                }
                Integer before = producer.putIfAbsent(out, i);
                if (before != null) {
                    throw new IllegalArgumentException("tensor '" + Quote.cut(out) + "' is written by two nodes: "
                            + where(nodes.get(before)) + " and " + where(n));
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> consumers = new ArrayList<>(nodes.size());
        boolean sorted = true;
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>(2));
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (String in : n.inputs()) {
                if (in.isEmpty() || available.contains(in)) {
                    continue;
                }
                Integer p = producer.get(in);
                if (p == null) {
                    throw new IllegalArgumentException(where(n) + " reads '" + Quote.cut(in)
                            + "', which no node, graph input or initializer provides");
                }
                pending[i]++;
                consumers.get(p).add(i);
                sorted &= p < i;
            }
        }
        return sorted ? nodes : kahn(nodes, pending, consumers, producer, available);
    }

    private static List<Node> kahn(List<Node> nodes, int[] pending, List<List<Integer>> consumers,
                                   Map<String, Integer> producer, Set<String> available) {
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> out = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(nodes.get(i));
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        if (out.size() < nodes.size()) {
            throw new IllegalArgumentException("the graph has a cycle: " + cycle(nodes, pending, producer, available));
        }
        return out;
    }

    /** A cycle among the nodes left with pending inputs, as {@code a (Op) -> b (Op) -> a (Op)}. */
    private static String cycle(List<Node> nodes, int[] pending, Map<String, Integer> producer, Set<String> available) {
        int start = 0;
        while (pending[start] == 0) {
            start++;
        }
        Map<Integer, Integer> step = new HashMap<>(); // node -> its position on the walk
        List<Integer> walk = new ArrayList<>();
        int i = start;
        while (!step.containsKey(i)) {
            step.put(i, walk.size());
            walk.add(i);
            int next = -1;
            for (String in : nodes.get(i).inputs()) {
                Integer p = in.isEmpty() || available.contains(in) ? null : producer.get(in);
                if (p != null && pending[p] > 0) {
                    next = p;
                    break;
                }
            }
            i = next; // a node left pending always reads the output of another pending node
        }
        List<Integer> loop = new ArrayList<>(walk.subList(step.get(i), walk.size()));
        java.util.Collections.reverse(loop); // producer before consumer
        StringBuilder s = new StringBuilder();
        loop.forEach(k -> s.append(where(nodes.get(k))).append(" -> "));
        s.append(where(nodes.get(loop.get(0))));
        return Quote.cut(s.toString(), 4 * Quote.MAX_VALUE);
    }

    private static String where(Node n) {
        return "node '" + Quote.cut(n.name()) + "' (" + n.opType() + ")";
    }
}
