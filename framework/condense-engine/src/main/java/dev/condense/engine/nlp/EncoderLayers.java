package dev.condense.engine.nlp;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transformer layers of an imported encoder, found by node name, and a student made of a subset of them (TinyBERT,
 * Jiao et al. 2020, initializes its student from teacher layers; DistilBERT, Sanh et al. 2019, takes every other one).
 *
 * <p>Layer {@code k} is every node whose name contains {@code /encoder/layer.k/} (PyTorch's export of HuggingFace
 * BERT-style encoders names nodes after the module path). Its <em>stream input</em> is the one tensor it reads that
 * other layers do not all read (the attention mask is read by all) and that is no initializer; its <em>output</em>
 * the one tensor it writes that is read outside it or is a graph output. {@link #keep} chains the kept layers in
 * order: the first reads layer 0's stream input (the embeddings), each next one the previous kept layer's output, and
 * the last kept layer writes the last layer's output tensor (so graph outputs and readers keep their names).
 * Initializers of dropped layers go with them. Node names of the kept layers are renumbered ({@code layer.5} kept as
 * the student's second layer becomes {@code layer.1}), so the student is again layers 0..m-1; tensor and initializer
 * names keep the teacher's numbering (they say which teacher layer a weight came from).
 */
public final class EncoderLayers {
    private static final Pattern LAYER = Pattern.compile("/encoder/layer\\.(\\d+)/");

    private EncoderLayers() {
    }

    /** The layer index of {@code node}, or -1 when it belongs to no layer. */
    static int layerOf(Node node) {
        Matcher m = LAYER.matcher(node.name());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Number of layers of {@code g} (0 to n-1 must all be present). */
    public static int count(ModelGraph g) {
        Set<Integer> seen = new HashSet<>();
        g.nodes().forEach(n -> seen.add(layerOf(n)));
        seen.remove(-1);
        for (int k = 0; k < seen.size(); k++) {
            if (!seen.contains(k)) {
                throw new IllegalArgumentException("encoder layers " + new java.util.TreeSet<>(seen)
                        + " are not numbered 0..n-1");
            }
        }
        return seen.size();
    }

    /** {@code g} with only the layers {@code kept} (strictly increasing indices), chained in that order. */
    public static ModelGraph keep(ModelGraph g, int... kept) {
        int n = count(g);
        if (kept.length == 0 || kept[0] < 0 || kept[kept.length - 1] >= n
                || !Arrays.equals(kept, Arrays.stream(kept).distinct().sorted().toArray())) {
            throw new IllegalArgumentException("layers to keep must be strictly increasing indices in [0, " + n
                    + "), got " + Arrays.toString(kept));
        }
        List<Set<String>> reads = new ArrayList<>();
        List<Set<String>> writes = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            reads.add(new LinkedHashSet<>());
            writes.add(new HashSet<>());
        }
        for (Node node : g.nodes()) {
            int k = layerOf(node);
            if (k >= 0) {
                node.inputs().stream().filter(t -> !t.isEmpty()).forEach(reads.get(k)::add);
                writes.get(k).addAll(node.outputs());
            }
        }
        Set<String> shared = new HashSet<>(reads.get(0));
        reads.forEach(shared::retainAll);
        String[] in = new String[n];
        String[] out = new String[n];
        for (int k = 0; k < n; k++) {
            int layer = k;
            in[k] = single(reads.get(k).stream().filter(t -> !writes.get(layer).contains(t) && !shared.contains(t)
                    && !g.initializers().containsKey(t)).toList(), "stream input", k);
            out[k] = single(writes.get(k).stream().filter(t -> g.outputs().stream().anyMatch(v -> v.name().equals(t))
                    || g.nodes().stream().anyMatch(x -> layerOf(x) != layer && x.inputs().contains(t))).toList(), "output", k);
        }
        Set<Integer> keepSet = new HashSet<>();
        Arrays.stream(kept).forEach(keepSet::add);
        Map<Integer, Map<String, String>> renames = new HashMap<>();
        for (int i = 0; i < kept.length; i++) {
            Map<String, String> r = new HashMap<>();
            r.put(in[kept[i]], i == 0 ? in[0] : out[kept[i - 1]]);
            if (i == kept.length - 1) {
                r.put(out[kept[i]], out[n - 1]);
            }
            renames.put(kept[i], r);
        }
        ModelGraph.Builder b = ModelGraph.builder(g.name() + "-layers" + Arrays.toString(kept).replace(" ", ""));
        g.inputs().forEach(b::input);
        g.outputs().forEach(b::output);
        Set<String> used = new HashSet<>();
        for (Node node : g.nodes()) {
            int k = layerOf(node);
            if (k >= 0 && !keepSet.contains(k)) {
                continue;
            }
            Map<String, String> r = k >= 0 ? renames.get(k) : Map.of();
            String name = k < 0 ? node.name() : node.name().replace("/encoder/layer." + k + "/",
                    "/encoder/layer." + Arrays.binarySearch(kept, k) + "/");
            Node renamed = new Node(name, node.opType(), node.inputs().stream().map(t -> r.getOrDefault(t, t)).toList(),
                    node.outputs().stream().map(t -> r.getOrDefault(t, t)).toList(), node.attributes());
            used.addAll(renamed.inputs());
            b.node(renamed);
        }
        g.initializers().forEach((name, value) -> {
            if (used.contains(name)) {
                b.initializer(name, value);
            }
        });
        return b.build();
    }

    private static String single(List<String> tensors, String what, int layer) {
        if (tensors.size() != 1) {
            throw new IllegalArgumentException("encoder layer " + layer + " has " + tensors.size() + " candidates for its "
                    + what + " (" + tensors + "); expected one");
        }
        return tensors.get(0);
    }
}
