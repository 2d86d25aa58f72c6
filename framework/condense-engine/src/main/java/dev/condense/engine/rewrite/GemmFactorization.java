package dev.condense.engine.rewrite;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rewrites one fully connected layer {@code y = x W^T + b}, {@code W [out, in]}, into two of rank r,
 * {@code y = (x V^T) U^T + b} with {@code W ~ U V}, {@code V [r, in]}, {@code U [out, r]} (the
 * {@code gemm-uv} layout of {@code api.decomp.Factorization}; Denton et al., NIPS 2014, section 3.2). Per row the MACs
 * go from {@code out * in} to {@code r * (in + out)}.
 *
 * <p>Layers taken: a Gemm with {@code transA = 0}, {@code alpha = beta = 1} and an initializer weight (stored
 * {@code [out, in]} with {@code transB = 1}, {@code [in, out]} with {@code transB = 0}), or a MatMul whose second input
 * is an initializer {@code [in, out]}. A Gemm {@code name} becomes Gemms {@code name.v} (weight {@code name.v.weight
 * [r, in]}, {@code transB = 1}) and {@code name.u} (weight {@code name.u.weight [out, r]}, the bias, {@code transB = 1});
 * a MatMul becomes MatMuls {@code name.v} ({@code [in, r]}) and {@code name.u} ({@code [r, out]}), so inputs of any
 * rank keep working. The intermediate tensor is {@code name.v.out}; the original output keeps its name, and the old
 * weight is dropped unless another node reads it.
 */
public final class GemmFactorization {

    private GemmFactorization() {
    }

    /**
     * The weight of fully connected layer {@code node} in the orientation {@code [out, in]} (a new array for a
     * stored {@code [in, out]}).
     *
     * @throws IllegalArgumentException naming the node when it is not a layer this rewrite takes
     */
    public static INDArray weight(ModelGraph graph, Node node) {
        INDArray w = check(graph, node);
        return transposed(node) ? w.transpose().dup('c') : w;
    }

    /** MACs per row of a layer {@code [out, in]} after factorizing at rank r: {@code r * (in + out)}. */
    public static long macsAfter(long out, long in, long r) {
        return r * (in + out);
    }

    /**
     * {@code graph} with {@code node} replaced by its two factors.
     *
     * @param v {@code [r, in]}, the first layer
     * @param u {@code [out, r]}, the second
     * @throws IllegalArgumentException naming the node for a layer this rewrite does not take or factors whose shapes
     *                                  do not match its weight
     */
    public static ModelGraph apply(ModelGraph graph, String node, INDArray v, INDArray u) {
        Node n = graph.nodes().stream().filter(x -> x.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named '" + node + "'"));
        INDArray w = weight(graph, n);
        long out = w.size(0);
        long in = w.size(1);
        if (v.rank() != 2 || u.rank() != 2 || v.size(1) != in || u.size(0) != out || u.size(1) != v.size(0)) {
            throw new IllegalArgumentException("layer '" + node + "' has a weight [" + out + ", " + in
                    + "]; factors V " + Arrays.toString(v.shape()) + " and U " + Arrays.toString(u.shape())
                    + " are not [r, " + in + "] and [" + out + ", r]");
        }
        String mid = node + ".v.out";
        String vName = node + ".v.weight";
        String uName = node + ".u.weight";
        String x = n.inputs().get(0);
        ModelGraph.Builder b = graph.toBuilder();
        List<Node> replacement;
        if (n.opType().equals("Gemm")) {
            List<String> second = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()
                    ? List.of(mid, uName, n.inputs().get(2)) : List.of(mid, uName);
            replacement = List.of(
                    new Node(node + ".v", "Gemm", List.of(x, vName), List.of(mid), Map.of("transB", 1L)),
                    new Node(node + ".u", "Gemm", second, n.outputs(), Map.of("transB", 1L)));
            b.initializer(vName, v.castTo(DataType.FLOAT).dup('c')).initializer(uName, u.castTo(DataType.FLOAT).dup('c'));
        } else {
            replacement = List.of(
                    new Node(node + ".v", "MatMul", List.of(x, vName), List.of(mid), Map.of()),
                    new Node(node + ".u", "MatMul", List.of(mid, uName), n.outputs(), Map.of()));
            b.initializer(vName, v.castTo(DataType.FLOAT).transpose().dup('c'))
                    .initializer(uName, u.castTo(DataType.FLOAT).transpose().dup('c'));
        }
        b.replaceNode(node, replacement);
        String old = n.inputs().get(1);
        if (graph.consumers(old).size() == 1) {
            b.removeInitializer(old);
        }
        return b.build();
    }

    private static boolean transposed(Node n) {
        return n.opType().equals("MatMul") || n.intAttr("transB", 0) == 0;
    }

    private static INDArray check(ModelGraph graph, Node n) {
        String at = "layer '" + n.name() + "' (" + n.opType() + ")";
        if (!n.opType().equals("Gemm") && !n.opType().equals("MatMul")) {
            throw new IllegalArgumentException(at + " is not a Gemm or MatMul");
        }
        if (n.opType().equals("Gemm") && (n.intAttr("transA", 0) != 0 || n.floatAttr("alpha", 1.0) != 1.0
                || n.floatAttr("beta", 1.0) != 1.0)) {
            throw new IllegalArgumentException(at + ": only transA = 0, alpha = 1, beta = 1 is factorized");
        }
        INDArray w = n.inputs().size() < 2 ? null : graph.initializers().get(n.inputs().get(1));
        if (w == null || w.rank() != 2) {
            throw new IllegalArgumentException(at + ": its second input is not a 2-d weight initializer");
        }
        return w;
    }
}
