package dev.condense.engine.rewrite;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.graph.WeightedLayers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Folds an inference-mode {@code BatchNormalization} into the Conv or Gemm that feeds it, as done before weights
 * are quantized (so the quantized layer is the one that runs, with no float BN between integer kernels).
 *
 * <p>With {@code k = scale / sqrt(var + epsilon)} (per output channel, length {@code C}): the weight's output
 * channel {@code c} is multiplied by {@code k[c]} (Conv {@code [C, inC/g, kH, kW]} along axis 0, Gemm along axis 0
 * with {@code transB=1} and axis 1 with {@code transB=0}) and the bias becomes {@code (b - mean) * k + B} ({@code b}
 * zero when absent). The layer then writes the BN's output tensor and the BN node goes. The result equals the
 * original up to float rounding. Folded only where exact and safe: the layer's output is read by that BN alone and
 * is no graph output; weight, bias and BN parameters are initializers read by no other node; the weight carries no
 * quantization or codebook; Gemm has {@code alpha = beta = 1}, {@code transA = 0} and a bias of length {@code C} or
 * none. Every other BN stays as it was. Masks stay valid (zeros are scaled to zeros).
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /** The result: the new graph and the BN node names folded, each with the layer it went into. */
    public record Result(ModelGraph graph, Map<String, String> folded) {
    }

    /** Folds every foldable BN of {@code g}; {@code g} is not changed. */
    public static Result fold(ModelGraph g) {
        Map<String, Integer> readers = new LinkedHashMap<>();
        g.nodes().forEach(n -> n.inputs().forEach(i -> readers.merge(i, 1, Integer::sum)));
        Set<String> outputs = new HashSet<>();
        g.outputs().forEach(v -> outputs.add(v.name()));
        ModelGraph.Builder b = g.toBuilder().clearNodes();
        Map<String, String> folded = new LinkedHashMap<>();
        Map<Node, Node> replaced = new LinkedHashMap<>();
        Set<Node> dropped = new HashSet<>();
        for (Node bn : g.nodes()) {
            if (!bn.opType().equals("BatchNormalization") || bn.outputs().size() != 1) {
                continue;
            }
            Node layer = g.producer(bn.inputs().get(0)).orElse(null);
            if (layer == null || replaced.containsKey(layer) || !foldable(g, layer, bn, readers, outputs)) {
                continue;
            }
            replaced.put(layer, foldInto(g, b, layer, bn));
            dropped.add(bn);
            folded.put(bn.name(), layer.name());
        }
        for (Node n : g.nodes()) {
            if (!dropped.contains(n)) {
                b.node(replaced.getOrDefault(n, n));
            }
        }
        for (Node bn : dropped) {
            bn.inputs().subList(1, 5).forEach(b::removeInitializer);
        }
        return new Result(b.build(), folded);
    }

    private static boolean foldable(ModelGraph g, Node layer, Node bn, Map<String, Integer> readers,
                                    Set<String> outputs) {
        String op = layer.opType();
        if (!op.equals("Conv") && !op.equals("Gemm")) {
            return false;
        }
        String y = layer.output();
        if (readers.getOrDefault(y, 0) != 1 || outputs.contains(y) || layer.inputs().size() < 2) {
            return false;
        }
        List<String> params = new ArrayList<>(bn.inputs().subList(1, 5));
        params.addAll(layer.inputs().subList(1, layer.inputs().size()));
        for (String p : params) {
            if (p.isEmpty() || !g.initializers().containsKey(p) || readers.getOrDefault(p, 0) != 1) {
                return false;
            }
        }
        String w = layer.inputs().get(1);
        if (WeightedLayers.quantizedValues(g, w)) {
            return false;
        }
        long channels = g.initializers().get(bn.inputs().get(1)).length();
        if (op.equals("Gemm")) {
            boolean plain = layer.floatAttr("alpha", 1) == 1 && layer.floatAttr("beta", 1) == 1
                    && layer.intAttr("transA", 0) == 0;
            long out = g.initializers().get(w).size(layer.intAttr("transB", 0) == 1 ? 0 : 1);
            boolean bias = layer.inputs().size() < 3 || g.initializers().get(layer.inputs().get(2)).length() == out;
            return plain && bias && out == channels;
        }
        return g.initializers().get(w).size(0) == channels;
    }

    /** Writes the folded weight and bias into {@code b} and returns the layer writing the BN's output. */
    private static Node foldInto(ModelGraph g, ModelGraph.Builder b, Node layer, Node bn) {
        double eps = bn.floatAttr("epsilon", 1e-5);
        INDArray gamma = vector(g, bn.inputs().get(1));
        INDArray beta = vector(g, bn.inputs().get(2));
        INDArray mean = vector(g, bn.inputs().get(3));
        INDArray var = vector(g, bn.inputs().get(4));
        INDArray k = gamma.div(Transforms.sqrt(var.add(eps), false));
        String wName = layer.inputs().get(1);
        INDArray w = g.initializers().get(wName).castTo(DataType.DOUBLE);
        long c = k.length();
        boolean columns = layer.opType().equals("Gemm") && layer.intAttr("transB", 0) == 0;
        INDArray scaled = columns
                ? w.mulRowVector(k.reshape(1, c))
                : w.reshape('c', c, w.length() / c).mulColumnVector(k.reshape(c, 1)).reshape('c', w.shape());
        b.initializer(wName, scaled.castTo(DataType.FLOAT));
        INDArray bias = layer.inputs().size() > 2
                ? g.initializers().get(layer.inputs().get(2)).castTo(DataType.DOUBLE).reshape(c)
                : Nd4j.zeros(DataType.DOUBLE, c);
        INDArray newBias = bias.sub(mean).muli(k).addi(beta).castTo(DataType.FLOAT);
        List<String> inputs = new ArrayList<>(layer.inputs());
        String biasName;
        if (inputs.size() > 2) {
            biasName = inputs.get(2);
        } else {
            biasName = fresh(g, wName + ".folded_bias");
            inputs.add(biasName);
        }
        b.initializer(biasName, newBias);
        return new Node(layer.name(), layer.opType(), inputs, List.of(bn.output()), layer.attributes());
    }

    /** A BN parameter as a float64 vector {@code [C]}, whatever its stored shape ({@code [C]} or {@code [1, C]}). */
    private static INDArray vector(ModelGraph g, String name) {
        INDArray v = g.initializers().get(name);
        return v.castTo(DataType.DOUBLE).reshape(v.length());
    }

    private static String fresh(ModelGraph g, String base) {
        String name = base;
        for (int i = 1; g.initializers().containsKey(name) || g.producer(name).isPresent(); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
