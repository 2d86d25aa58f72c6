package dev.condense.engine.onnx.quant;

import dev.condense.engine.onnx.OnnxFormatException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx.NodeProto;

/**
 * The integer-only invariant of a rewritten graph: no float computation between quantized tensors. A node that is
 * neither a QuantizeLinear/DequantizeLinear, nor an integer kernel, nor a data-movement op on integers (MaxPool,
 * Flatten, Reshape, Identity, Clip, and the Pad, Slice and Concat of {@link InputPatches}, reading a quantized tensor) computes in float; it is refused when it lies both
 * downstream of an activation QuantizeLinear and upstream of one (float work inside the integer region), and so is a
 * float Conv, Gemm, MatMul or ConvTranspose anywhere (a layer that would not run in integers), and a
 * DequantizeLinear feeding a QuantizeLinear with other parameters (a requantization in float). Preprocessing before
 * the input's QuantizeLinear and postprocessing after the output's DequantizeLinear stay float.
 */
final class IntegerOnlyCheck {
    static final String CAN = "ONNX Runtime runs in integers QDQ-wrapped Conv, Gemm, MatMul, Add and GlobalAveragePool"
            + " (DequantizeLinear on every input, QuantizeLinear on the output), and MaxPool, Relu, Flatten, Reshape on"
            + " quantized tensors; export this model with quantized: qdq";
    private static final Set<String> INTEGER = Set.of("QLinearConv", "QLinearMatMul", "QGemm", "QLinearAdd",
            "QLinearGlobalAveragePool");
    private static final Set<String> MOVES = Set.of("MaxPool", "Flatten", "Reshape", "Identity", "Clip", "Pad", "Slice",
            "Concat");
    private static final Set<String> LAYERS = Set.of("Conv", "Gemm", "MatMul", "ConvTranspose");

    private IntegerOnlyCheck() {
    }

    static void check(QdqGraph g, String where) {
        Set<NodeProto> downstream = reach(g, true);
        Set<NodeProto> upstream = reach(g, false);
        boolean any = false;
        for (NodeProto n : g.nodes) {
            if (g.isQuantize(n)) {
                NodeProto dq = g.activationDq(n.getInput(0));
                if (dq != null) {
                    throw fail(where, n, "requantizes '" + dq.getName() + "' (" + g.params(dq) + ") to "
                            + g.params(n) + " in float; give both the same scale and zero point");
                }
                continue;
            }
            if (g.isDequantize(n)) {
                continue;
            }
            any |= INTEGER.contains(n.getOpType());
            if (INTEGER.contains(n.getOpType()) || MOVES.contains(n.getOpType()) && integer(g, n)) {
                continue;
            }
            if (n.getDomain().isEmpty() && LAYERS.contains(n.getOpType())) {
                throw fail(where, n, "would compute in float: its inputs or its output are not quantized");
            }
            if (downstream.contains(n) && upstream.contains(n)) {
                throw fail(where, n, "would compute in float between quantized tensors");
            }
        }
        if (!any) {
            throw new OnnxFormatException(where + ": integer-only export: the model has no quantized layer (no"
                    + " Conv, Gemm or MatMul between QuantizeLinear/DequantizeLinear pairs); " + CAN);
        }
    }

    private static boolean integer(QdqGraph g, NodeProto n) {
        NodeProto p = g.producer(n.getInput(0));
        return p != null && (g.isQuantize(p) || INTEGER.contains(p.getOpType()) || MOVES.contains(p.getOpType())
                && integer(g, p));
    }

    private static OnnxFormatException fail(String where, NodeProto n, String why) {
        return new OnnxFormatException(where + ": integer-only export: node '" + n.getName() + "' ("
                + (n.getDomain().isEmpty() ? "" : n.getDomain() + ":") + n.getOpType() + ") " + why + "; " + CAN);
    }

    /** Nodes reachable from an activation QuantizeLinear's output ({@code forward}) or reaching its input. */
    private static Set<NodeProto> reach(QdqGraph g, boolean forward) {
        Set<NodeProto> seen = new HashSet<>();
        Deque<NodeProto> work = new ArrayDeque<>();
        for (NodeProto n : g.nodes) {
            if (g.isQuantize(n) && !g.initializers.containsKey(n.getInput(0))) {
                work.add(n);
            }
        }
        while (!work.isEmpty()) {
            NodeProto n = work.pop();
            List<String> edges = forward ? n.getOutputList() : n.getInputList();
            for (String t : edges) {
                if (forward) {
                    for (int c : g.consumers(t)) {
                        if (seen.add(g.nodes.get(c))) {
                            work.add(g.nodes.get(c));
                        }
                    }
                } else {
                    NodeProto p = g.producer(t);
                    if (p != null && seen.add(p)) {
                        work.add(p);
                    }
                }
            }
        }
        return seen;
    }
}
