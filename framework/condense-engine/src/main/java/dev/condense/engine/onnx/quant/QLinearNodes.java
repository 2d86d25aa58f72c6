package dev.condense.engine.onnx.quant;

import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * The integer node replacing one QDQ-wrapped float node: {@code DQ(x), DQ(w) -> Conv -> Q} as QLinearConv,
 * {@code -> Gemm ->} as {@code com.microsoft:QGemm} (per-column weight scales, INT32 bias {@code C}),
 * {@code -> MatMul ->} as QLinearMatMul, {@code DQ(a), DQ(b) -> Add} as {@code com.microsoft:QLinearAdd},
 * {@code DQ(x) -> GlobalAveragePool} as {@code com.microsoft:QLinearGlobalAveragePool}. Inputs that are not
 * quantized (a float weight, a runtime scale) leave the node as it is (an empty list); what is quantized but not in
 * a form ORT's integer kernels take (per-channel activations, a weight axis other than the output channels, a Gemm
 * with alpha/beta != 1 or transA) is an IllegalArgumentException naming the node.
 */
final class QLinearNodes {
    private QLinearNodes() {
    }

    static List<NodeProto> of(QdqGraph g, NodeProto n, QParams y, String out) {
        return switch (n.getOpType()) {
            case "Conv", "Gemm", "MatMul" -> weighted(g, n, y, out);
            case "Add" -> add(g, n, y, out);
            case "GlobalAveragePool" -> pool(g, n, y, out);
            default -> List.of();
        };
    }

    /** A Gemm of dequantized input and weight as QGemm with a float output (no y_scale), or empty if it is not one. */
    static List<NodeProto> floatGemm(QdqGraph g, NodeProto n) {
        return weighted(g, n, null, n.getOutput(0));
    }

    private static List<NodeProto> weighted(QdqGraph g, NodeProto n, QParams y, String out) {
        NodeProto xdq = g.activationDq(n.getInput(0));
        NodeProto wdq = g.weightDq(n.getInput(1));
        if (xdq == null || wdq == null) {
            return List.of();
        }
        QParams x = perTensor(g, xdq, n);
        QParams w = g.params(wdq);
        TensorProto wt = g.initializers.get(wdq.getInput(0));
        String op = n.getOpType();
        long channelAxis = switch (op) {
            case "Conv" -> 0;
            case "Gemm" -> IntegerOnlyExport.intAttr(n, "transB", 0) == 1 ? 0 : 1;
            default -> wt.getDimsCount() - 1;
        };
        if (!w.perTensor() && w.axis() != channelAxis && w.axis() != channelAxis - wt.getDimsCount()) {
            throw new IllegalArgumentException("node '" + n.getName() + "' (" + op + ") has its weight quantized per"
                    + " channel along axis " + w.axis() + "; ONNX Runtime's integer kernels take scales per output"
                    + " channel (axis " + channelAxis + ") only");
        }
        if (op.equals("Gemm") && (IntegerOnlyExport.intAttr(n, "transA", 0) != 0
                || IntegerOnlyExport.floatAttr(n, "alpha", 1f) != 1f || IntegerOnlyExport.floatAttr(n, "beta", 1f) != 1f)) {
            throw new IllegalArgumentException("node '" + n.getName() + "' (Gemm) has transA, alpha or beta other than"
                    + " 0, 1, 1; com.microsoft:QGemm is written for plain x * W^T + b only");
        }
        int channels = (int) wt.getDims((int) channelAxis);
        String bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty() && !op.equals("MatMul")
                ? bias(g, n, x, w, channels) : "";
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.getName())
                .addInput(xdq.getInput(0)).addInput(x.scaleName()).addInput(IntegerOnlyExport.zeroPoint(g, x, xdq))
                .addInput(wdq.getInput(0)).addInput(w.scaleName()).addInput(IntegerOnlyExport.zeroPoint(g, w, wdq));
        if (y == null && !op.equals("Gemm")) {
            return List.of();
        }
        switch (op) {
            case "Conv" -> {
                b.setOpType("QLinearConv").addInput(y.scaleName()).addInput(zp(g, y, n));
                if (!bias.isEmpty()) {
                    b.addInput(bias);
                }
                b.addAllAttribute(n.getAttributeList());
            }
            case "Gemm" -> {
                b.setOpType("QGemm").setDomain(IntegerOnlyExport.MS).addInput(bias);
                if (y != null) {
                    b.addInput(y.scaleName()).addInput(zp(g, y, n));
                }
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("transB")) {
                        b.addAttribute(a);
                    }
                }
            }
            default -> b.setOpType("QLinearMatMul").addInput(y.scaleName()).addInput(zp(g, y, n));
        }
        return List.of(b.addOutput(out).build());
    }

    /**
     * The INT32 form of node {@code n}'s bias (input 2), a FLOAT initializer or the DequantizeLinear of one:
     * {@code rint(b[c] / (x_scale * w_scale[c]))}, zero point 0, as ORT's integer kernels expect.
     */
    private static String bias(QdqGraph g, NodeProto n, QParams x, QParams w, int channels) {
        String in = n.getInput(2);
        float[] b;
        NodeProto bdq = g.weightDq(in);
        if (g.initializers.containsKey(in)) {
            b = QTensors.floats(g.initializers.get(in));
        } else if (bdq != null) {
            QParams bp = g.params(bdq);
            int[] q = QTensors.ints(g.initializers.get(bdq.getInput(0)));
            b = new float[q.length];
            for (int c = 0; c < q.length; c++) {
                b[c] = (q[c] - bp.zeroPoint()[bp.perTensor() ? 0 : c]) * bp.scale(c);
            }
        } else {
            throw new IllegalArgumentException("node '" + n.getName() + "' (" + n.getOpType() + ") reads a runtime"
                    + " bias; integer kernels take a constant INT32 bias");
        }
        if (b.length != channels) {
            throw new IllegalArgumentException("node '" + n.getName() + "' (" + n.getOpType() + ") has a bias of "
                    + b.length + " values for " + channels + " output channels; integer kernels take one per channel");
        }
        int[] q = new int[channels];
        for (int c = 0; c < channels; c++) {
            double scale = (double) x.scale(0) * w.scale(c);
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.rint(b[c] / scale)));
        }
        String name = g.fresh(in + ".int32");
        g.initializers.put(name, QTensors.int32(name, new long[] {channels}, q));
        return name;
    }

    private static List<NodeProto> add(QdqGraph g, NodeProto n, QParams y, String out) {
        NodeProto a = g.activationDq(n.getInput(0));
        NodeProto b = g.activationDq(n.getInput(1));
        if (a == null || b == null) {
            return List.of();
        }
        QParams pa = perTensor(g, a, n);
        QParams pb = perTensor(g, b, n);
        return List.of(NodeProto.newBuilder().setName(n.getName()).setOpType("QLinearAdd")
                .setDomain(IntegerOnlyExport.MS)
                .addInput(a.getInput(0)).addInput(pa.scaleName()).addInput(IntegerOnlyExport.zeroPoint(g, pa, a))
                .addInput(b.getInput(0)).addInput(pb.scaleName()).addInput(IntegerOnlyExport.zeroPoint(g, pb, b))
                .addInput(y.scaleName()).addInput(zp(g, y, n)).addOutput(out).build());
    }

    private static List<NodeProto> pool(QdqGraph g, NodeProto n, QParams y, String out) {
        NodeProto x = g.activationDq(n.getInput(0));
        if (x == null) {
            return List.of();
        }
        QParams px = perTensor(g, x, n);
        return List.of(NodeProto.newBuilder().setName(n.getName()).setOpType("QLinearGlobalAveragePool")
                .setDomain(IntegerOnlyExport.MS)
                .addInput(x.getInput(0)).addInput(px.scaleName()).addInput(IntegerOnlyExport.zeroPoint(g, px, x))
                .addInput(y.scaleName()).addInput(zp(g, y, n)).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("channels_last").setType(AttributeProto.AttributeType.INT)
                        .setI(0)).build());
    }

    private static QParams perTensor(QdqGraph g, NodeProto dq, NodeProto n) {
        QParams p = g.params(dq);
        if (!p.perTensor()) {
            throw new IllegalArgumentException("node '" + n.getName() + "' (" + n.getOpType() + ") reads an activation"
                    + " quantized per channel ('" + dq.getName() + "'); ONNX Runtime's integer kernels take per-tensor"
                    + " activation scales");
        }
        return p;
    }

    private static String zp(QdqGraph g, QParams y, NodeProto n) {
        return IntegerOnlyExport.zeroPoint(g, y, n);
    }
}
