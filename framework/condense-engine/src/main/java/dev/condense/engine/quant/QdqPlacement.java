package dev.condense.engine.quant;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.graph.WeightedLayer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which activations of a graph static quantization puts QuantizeLinear/DequantizeLinear on, so that ONNX Runtime
 * keeps tensors in 8 bits from one quantized layer to the next (the placement ONNX Runtime's own QDQ quantizer
 * uses). Quantized: the activation input and the output of each quantized layer (Conv, Gemm, MatMul), and the
 * activation inputs and outputs of the int8-capable ops reached from them ({@link #PASS_THROUGH}, Relu, Add,
 * average pools), in graph order. Graph outputs stay float (the logits).
 *
 * <p>Some tensors share another's grid instead of being calibrated ({@link #sharedWith}):
 * <ul>
 *   <li>the output of MaxPool, Flatten and Reshape takes its input's grid (ONNX Runtime drops a QDQ pair around
 *       these ops only when both sides agree, and their values are a subset of the input's);</li>
 *   <li>the output of a layer or of an op with its own output grid ({@link #REQUANTIZING}: the residual Add, average
 *       pools) read only by a Relu takes the Relu output's grid: its zero point is then the lowest code, so the
 *       clamp of the integer kernel's output is exactly the Relu, and the export leaves the Relu out (ONNX Runtime's
 *       quantizer does the same); a residual block's {@code Add -> Relu} then runs as one QLinearAdd, with no
 *       requantization in float after it.</li>
 * </ul>
 */
public record QdqPlacement(List<String> tensors, Map<String, String> sharedWith) {
    /** Ops whose output values are some of their input's values: one grid for both sides. */
    public static final Set<String> PASS_THROUGH = Set.of("MaxPool", "Flatten", "Reshape");
    /** Ops whose integer kernel writes its output on a grid of its own (ONNX Runtime's QLinearAdd, ...). */
    public static final Set<String> REQUANTIZING = Set.of("Add", "AveragePool", "GlobalAveragePool");
    /** Ops ONNX Runtime runs on 8-bit tensors in a QDQ graph, besides the weighted layers. */
    public static final Set<String> INT8_OPS = Set.of("MaxPool", "Flatten", "Reshape", "Relu", "Add",
            "AveragePool", "GlobalAveragePool");

    public QdqPlacement {
        tensors = List.copyOf(tensors);
        sharedWith = Map.copyOf(sharedWith);
    }

    /**
     * @param g      the graph
     * @param layers the layers to quantize (their nodes must be in {@code g})
     */
    public static QdqPlacement of(ModelGraph g, List<WeightedLayer> layers) {
        Set<Node> quantized = new HashSet<>();
        layers.forEach(l -> quantized.add(l.node()));
        Set<String> graphOutputs = new HashSet<>();
        g.outputs().forEach(v -> graphOutputs.add(v.name()));
        Set<String> int8 = new HashSet<>();            // tensors produced in 8 bits so far
        Set<String> chosen = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            boolean layer = quantized.contains(n);
            List<String> acts = activationInputs(g, n);
            boolean reached = INT8_OPS.contains(n.opType()) && acts.stream().anyMatch(int8::contains);
            if (!layer && !reached) {
                continue;
            }
            chosen.addAll(acts);
            for (String o : n.outputs()) {
                int8.add(o);
                if (!graphOutputs.contains(o)) {
                    chosen.add(o);
                }
            }
        }
        Map<String, String> shared = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (PASS_THROUGH.contains(n.opType()) && chosen.contains(n.inputs().get(0))
                    && chosen.contains(n.output())) {
                shared.put(n.output(), n.inputs().get(0));
            }
            if (n.opType().equals("Relu") && chosen.contains(n.output())) {
                String in = n.inputs().get(0);
                boolean requantizes = g.producer(in)
                        .map(p -> quantized.contains(p) || REQUANTIZING.contains(p.opType())).orElse(false);
                if (requantizes && chosen.contains(in) && g.consumers(in).size() == 1
                        && !graphOutputs.contains(in)) {
                    shared.put(in, n.output());
                }
            }
        }
        return new QdqPlacement(new ArrayList<>(chosen), shared);
    }

    /** The tensors whose range is calibrated: those that share no other's grid, in graph order. */
    public List<String> calibrated() {
        return tensors.stream().filter(t -> !sharedWith.containsKey(t)).toList();
    }

    /** The tensor whose grid {@code tensor} uses, following shares to a calibrated one. */
    public String source(String tensor) {
        String t = tensor;
        for (int i = 0; sharedWith.containsKey(t); i++) {
            if (i > sharedWith.size()) {
                throw new IllegalStateException("grid shares form a cycle at " + tensor);
            }
            t = sharedWith.get(t);
        }
        return t;
    }

    /** The float activation inputs of {@code n}: not initializers, not computed constants, not the shape of Reshape. */
    private static List<String> activationInputs(ModelGraph g, Node n) {
        List<String> out = new ArrayList<>();
        int count = switch (n.opType()) {
            case "Conv", "Gemm", "MatMul", "Reshape", "Flatten", "Relu", "MaxPool", "AveragePool",
                 "GlobalAveragePool" -> 1;
            default -> n.inputs().size();
        };
        for (int i = 0; i < Math.min(count, n.inputs().size()); i++) {
            String in = n.inputs().get(i);
            if (!in.isEmpty() && !g.initializers().containsKey(in) && !fromConstants(g, in)) {
                out.add(in);
            }
        }
        return out;
    }

    private static boolean fromConstants(ModelGraph g, String tensor) {
        return g.producer(tensor).map(p -> p.opType().equals("DequantizeLinear") || p.opType().equals("Constant"))
                .orElse(false);
    }
}
