package dev.condense.engine.rewrite;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The inference form of an XNOR-Net model (Rastegari et al. 2016) trained with
 * {@code engine.train.XnorBinarization}: each binarized weight {@code W [outC, ...]} becomes
 * {@code alpha_c * sign(W_c)} with {@code alpha_c = mean(|W_c|)}, annotated with a per-channel 2-bit signed affine
 * quantization of scale {@code alpha} and zero point 0 (its values -1, 0, +1 are exact grid points, so the export
 * stores int8 codes and a scale per channel); each binarized activation {@code t} gets a {@code Sign} node
 * ({@code t -> t.sign}) that every former reader of {@code t} reads instead. ONNX Runtime has no binary kernels: the
 * exported model computes with these values in float (bit-packed storage is the container's job).
 */
public final class Binarization {

    private Binarization() {
    }

    /** {@code alpha_c * sign(W)} per index of axis 0 (float32, W's shape); {@code alpha_c} is at least the smallest normal float. */
    public static INDArray binary(INDArray w) {
        return Transforms.sign(w, true).muli(alpha(w).reshape(shapeForAxis0(w)));
    }

    /** {@code mean(|W_c|)} per output channel, {@code [outC]}, floored at {@link Float#MIN_NORMAL}. */
    static INDArray alpha(INDArray w) {
        int[] rest = IntStream.range(1, w.rank()).toArray();
        INDArray a = rest.length == 0 ? Transforms.abs(w, true) : Transforms.abs(w, true).mean(rest);
        return Transforms.max(a.castTo(DataType.FLOAT), Float.MIN_NORMAL, false);
    }

    /**
     * {@code graph} with {@code weights} binarized and annotated and a {@code Sign} before the readers of each of
     * {@code activations} (graph inputs or node outputs).
     *
     * @throws IllegalArgumentException naming a weight that is not an initializer or an activation nothing produces
     */
    public static ModelGraph apply(ModelGraph graph, Set<String> weights, Set<String> activations) {
        ModelGraph.Builder b = graph.toBuilder();
        for (String w : weights) {
            INDArray value = graph.initializers().get(w);
            if (value == null || value.rank() < 2) {
                throw new IllegalArgumentException("'" + w + "' is not a weight initializer of rank 2 or more");
            }
            INDArray alpha = alpha(value);
            AffineQuantization q = new AffineQuantization(alpha, alpha.ulike().castTo(DataType.INT64).assign(0), 0, 2,
                    true);
            b.initializer(w, binary(value)).annotate(w, q);
        }
        return signs(b.build(), activations);
    }

    /**
     * {@code graph} with a {@code Sign} node {@code t.sign} after each of {@code activations} (graph inputs or node
     * outputs); every former reader of {@code t} reads {@code t.sign} instead. Values, initializers and annotations
     * are unchanged. A Sign after a node output is placed right after that node, one after a graph input first.
     *
     * @throws IllegalArgumentException naming an activation nothing produces
     */
    public static ModelGraph signs(ModelGraph graph, Set<String> activations) {
        ModelGraph.Builder b = graph.toBuilder();
        Set<String> produced = new HashSet<>();
        graph.inputs().forEach(v -> produced.add(v.name()));
        graph.nodes().forEach(n -> produced.addAll(n.outputs()));
        for (String t : activations) {
            if (!produced.contains(t)) {
                throw new IllegalArgumentException("'" + t + "' is not an activation of graph '" + graph.name() + "'");
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            List<String> in = n.inputs().stream().map(i -> activations.contains(i) ? i + ".sign" : i).toList();
            nodes.add(in.equals(n.inputs()) ? n : new Node(n.name(), n.opType(), in, n.outputs(), n.attributes()));
            for (String out : n.outputs()) {
                if (activations.contains(out)) {
                    nodes.add(sign(out));
                }
            }
        }
        List<Node> first = graph.inputs().stream().map(v -> v.name()).filter(activations::contains)
                .map(Binarization::sign).toList();
        b.clearNodes();
        first.forEach(b::node);
        nodes.forEach(b::node);
        return b.build();
    }

    private static Node sign(String tensor) {
        return new Node(tensor + ".sign", "Sign", List.of(tensor), List.of(tensor + ".sign"), Map.of());
    }

    private static long[] shapeForAxis0(INDArray w) {
        long[] s = new long[w.rank()];
        java.util.Arrays.fill(s, 1);
        s[0] = w.size(0);
        return s;
    }
}
