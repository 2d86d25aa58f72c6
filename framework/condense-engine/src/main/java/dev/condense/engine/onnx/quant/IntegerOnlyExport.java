package dev.condense.engine.onnx.quant;

import dev.condense.engine.onnx.OnnxFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * Rewrites a QDQ model (QuantizeLinear/DequantizeLinear around quantized activations, weights stored as integers
 * behind a DequantizeLinear) into ONNX Runtime's integer-only operator form (Jacob et al. 2018; the layout of ORT's
 * QOperator format): between the input's QuantizeLinear and the output's DequantizeLinear every tensor is int8/uint8
 * and every computation integer.
 * <ol>
 *   <li>A DequantizeLinear (per tensor) feeding MaxPool, Flatten, Reshape, Identity or Relu moves below it: those ops
 *       commute with an increasing affine map, so they run on the integers (Relu as {@code Clip(q, zeroPoint)}, or
 *       not at all when the zero point is the type's lowest code: a Clip there changes nothing, and it kept ONNX
 *       Runtime from running the MaxPool after it in NHWC).</li>
 *   <li>A DequantizeLinear followed by a QuantizeLinear with the same parameters cancels (exact).</li>
 *   <li>{@code DQ(x), DQ(w) -> Conv/Gemm/MatMul [-> Relu] -> Q} becomes QLinearConv, {@code com.microsoft:QGemm} or
 *       QLinearMatMul; a bias becomes INT32 with scale {@code x_scale * w_scale[c]} and zero point 0
 *       ({@code rint(b / scale)}); {@code DQ(a), DQ(b) -> Add -> Q} becomes {@code com.microsoft:QLinearAdd},
 *       {@code DQ(x) -> GlobalAveragePool -> Q} {@code com.microsoft:QLinearGlobalAveragePool}. A Relu before the Q
 *       is dropped when the Q's zero point is its type's minimum (the clamp already is the Relu), else it becomes a
 *       Clip at the zero point on the integers.</li>
 *   <li>Unread Q/DQ nodes and initializers go; {@link IntegerOnlyCheck} then refuses any float computation left
 *       between quantized tensors, naming the node, before anything is written.</li>
 * </ol>
 * The result reads the same float input and writes the same float output as the QDQ model; its outputs differ from
 * the QDQ model's by at most the rounding of requantizing (ORT fuses the same QDQ groups into the same kernels).
 */
public final class IntegerOnlyExport {
    static final String MS = "com.microsoft";
    private static final Set<String> COMMUTING = Set.of("MaxPool", "Flatten", "Reshape", "Identity", "Relu");

    private IntegerOnlyExport() {
    }

    /**
     * The integer-only form of QDQ model {@code m}; {@code where} names the model in messages.
     *
     * @throws OnnxFormatException naming the node and op that cannot run in integers in ONNX Runtime
     */
    public static ModelProto rewrite(ModelProto m, String where) {
        m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Clip") && m.getGraph().getNodeList()
                .stream().anyMatch(q -> q.getOpType().equals("QuantizeLinear") && q.getOutput(0).equals(n.getInput(0))))
                .findFirst().ifPresent(n -> {
                    throw new OnnxFormatException(where + ": integer-only export: activation '" + n.getInput(0)
                            + "' is quantized to fewer than 8 bits (node '" + n.getName() + "' clips its codes); the"
                            + " integer-only format takes 8-bit activations: use the QDQ export");
                });
        QdqGraph g = new QdqGraph(m.getGraph());
        try {
            pushDequantizeDown(g);
            cancelPairs(g);
            fuse(g);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(where + ": integer-only export: " + e.getMessage(), e);
        }
        g.compact();
        IntegerOnlyCheck.check(g, where);
        ModelProto.Builder b = m.toBuilder().setGraph(g.toProto(m.getGraph()));
        boolean ms = g.nodes.stream().anyMatch(n -> n.getDomain().equals(MS));
        if (ms && m.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(MS))) {
            b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS).setVersion(1));
        }
        return b.build();
    }

    private static void pushDequantizeDown(QdqGraph g) {
        for (int i = 0; i < g.nodes.size(); i++) {
            NodeProto n = g.nodes.get(i);
            if (n == null || !n.getDomain().isEmpty() || !COMMUTING.contains(n.getOpType()) || n.getOutputCount() != 1) {
                continue;
            }
            NodeProto dq = g.activationDq(n.getInput(0));
            if (dq == null || !g.params(dq).perTensor()) {
                continue;
            }
            QParams p = g.params(dq);
            if (n.getOpType().equals("Relu") && p.zeroPoint()[0] == QTensors.qmin(p.type())
                    && !g.outputs.contains(n.getOutput(0))) {
                rename(g, n.getOutput(0), dq.getOutput(0));   // every code already is >= the code of 0
                g.nodes.set(i, null);
                g.reindex();
                continue;
            }
            String ints = g.fresh(n.getOutput(0) + ".int");
            NodeProto.Builder moved = n.toBuilder().setOutput(0, ints).setInput(0, dq.getInput(0));
            if (n.getOpType().equals("Relu")) {
                moved.setOpType("Clip").clearInput().addInput(dq.getInput(0)).addInput(zeroPoint(g, p, dq));
            }
            NodeProto.Builder after = NodeProto.newBuilder().setName(g.fresh(n.getName() + ".dequantize"))
                    .setOpType("DequantizeLinear").addInput(ints).addInput(dq.getInput(1)).addOutput(n.getOutput(0));
            if (dq.getInputCount() > 2) {
                after.addInput(dq.getInput(2));
            }
            g.nodes.set(i, moved.build());
            g.nodes.add(i + 1, after.build());
            g.reindex();
        }
    }

    private static void cancelPairs(QdqGraph g) {
        for (int i = 0; i < g.nodes.size(); i++) {
            NodeProto q = g.nodes.get(i);
            if (!g.isQuantize(q) || g.outputs.contains(q.getOutput(0))) {
                continue;
            }
            NodeProto dq = g.activationDq(q.getInput(0));
            if (dq != null && g.params(dq).sameAs(g.params(q))) {
                rename(g, q.getOutput(0), dq.getInput(0));
                g.nodes.set(i, null);
                g.reindex();
            }
        }
    }

    /** Makes every reader of {@code from} read {@code to}. */
    static void rename(QdqGraph g, String from, String to) {
        for (int c : g.consumers(from)) {
            NodeProto.Builder b = g.nodes.get(c).toBuilder();
            for (int k = 0; k < b.getInputCount(); k++) {
                if (b.getInput(k).equals(from)) {
                    b.setInput(k, to);
                }
            }
            g.nodes.set(c, b.build());
        }
    }

    private static void fuse(QdqGraph g) {
        for (int i = 0; i < g.nodes.size(); i++) {
            NodeProto n = g.nodes.get(i);
            if (n == null || !n.getDomain().isEmpty()) {
                continue;
            }
            NodeProto relu = g.soleConsumer(n.getOutput(0));
            NodeProto q = relu != null && relu.getOpType().equals("Relu") ? g.soleConsumer(relu.getOutput(0)) : relu;
            if (q == relu) {
                relu = null;
            }
            if (q == null && relu == null && n.getOpType().equals("Gemm") && g.outputs.contains(n.getOutput(0))) {
                floatOutput(g, i, n);   // the logits: QGemm with a float output
                continue;
            }
            if (!g.isQuantize(q) || !g.params(q).perTensor()) {
                continue;
            }
            List<NodeProto> made = QLinearNodes.of(g, n, g.params(q), q.getOutput(0));
            if (made.isEmpty()) {
                continue;
            }
            List<NodeProto> out = new ArrayList<>(made);
            QParams qp = g.params(q);
            if (relu != null && qp.zeroPoint()[0] != QTensors.qmin(qp.type())) {
                String pre = g.fresh(q.getOutput(0) + ".prerelu");
                NodeProto last = out.remove(out.size() - 1).toBuilder().setOutput(0, pre).build();
                out.add(last);
                out.add(NodeProto.newBuilder().setName(relu.getName()).setOpType("Clip").addInput(pre)
                        .addInput(zeroPoint(g, qp, q)).addOutput(q.getOutput(0)).build());
            }
            g.nodes.set(g.indexOf(q), null);
            if (relu != null) {
                g.nodes.set(g.indexOf(relu), null);
            }
            g.nodes.set(i, null);
            g.nodes.addAll(i, out);
            i += out.size() - 1;
            g.reindex();
        }
    }

    /**
     * A graph-output Gemm of dequantized input and weight becomes {@code com.microsoft:QGemm} without output scale,
     * which ONNX Runtime defines to compute in integers and write float32: the quantize stage keeps the logits in
     * float, and this keeps the last layer an integer kernel too.
     */
    private static void floatOutput(QdqGraph g, int i, NodeProto n) {
        List<NodeProto> made = QLinearNodes.floatGemm(g, n);
        if (made.isEmpty()) {
            return;
        }
        g.nodes.set(i, made.get(0));
        g.reindex();
    }

    /** The zero point initializer of {@code p} (made, as UINT8 0, when {@code node} has none). */
    static String zeroPoint(QdqGraph g, QParams p, NodeProto node) {
        if (!p.zeroPointName().isEmpty()) {
            return p.zeroPointName();
        }
        String name = g.fresh(node.getName() + ".zero_point");
        g.initializers.put(name, QTensors.bytes(name, new long[0], TensorProto.DataType.UINT8_VALUE, new int[] {0}));
        return name;
    }

    /** The integer attribute {@code name} of {@code n}, or {@code otherwise}. */
    static long intAttr(NodeProto n, String name, long otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(AttributeProto::getI)
                .findFirst().orElse(otherwise);
    }

    /** The float attribute {@code name} of {@code n}, or {@code otherwise}. */
    static float floatAttr(NodeProto n, String name, float otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).map(AttributeProto::getF)
                .findFirst().orElse(otherwise);
    }
}
