package dev.condense.engine.onnx.quant;

import dev.condense.engine.runtime.OrtRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The yardstick QDQ model of issue 14 ("what a straightforward QDQ graph gets"), built from a float ONNX model for
 * tests and benchmarks of the exporters; not the quantize stage (which works on the IR with calibrator plugins). As a
 * straightforward post-training quantizer writes one (and as ORT's QDQ format lays it out): weights of Conv/Gemm
 * int8 symmetric per output channel behind a DequantizeLinear, biases INT32 with scale {@code x_scale * w_scale[c]} behind a DequantizeLinear;
 * activations uint8 per tensor from the min/max (widened to contain 0) of the float model on calibration rows,
 * QuantizeLinear + DequantizeLinear on the normalized input and on the outputs of Conv/Gemm (unless a Relu reads
 * them), Relu, Sigmoid, Add and GlobalAveragePool; MaxPool, Flatten and Reshape outputs share their input's parameters.
 * BatchNormalization is not folded here: give it a BN-free model (LeNet-5, LeNet-300-100).
 */
public final class ReferenceQdq {
    private static final Set<String> OWN_RANGE = Set.of("Div", "Conv", "Gemm", "MatMul", "Relu", "Add",
            "GlobalAveragePool", "Sigmoid");
    private static final Set<String> SHARED = Set.of("MaxPool", "Flatten", "Reshape");

    private ReferenceQdq() {
    }

    /** The QDQ form of {@code m}, calibrated on {@code rows} in ONNX Runtime; {@code dir} holds scratch files. */
    public static ModelProto qdq(ModelProto m, INDArray rows, Path dir) throws IOException {
        GraphProto g = m.getGraph();
        Map<String, String> producerOp = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        Map<String, String> soleReaderOp = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            n.getOutputList().forEach(o -> producerOp.put(n.getOutput(0), n.getOpType()));
            for (String in : n.getInputList()) {
                readers.merge(in, 1, Integer::sum);
                soleReaderOp.put(in, n.getOpType());
            }
        }
        List<String> quantized = new ArrayList<>();
        Map<String, String> sharesWith = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            String y = n.getOutput(0);
            boolean reluNext = readers.getOrDefault(y, 0) == 1 && "Relu".equals(soleReaderOp.get(y));
            if (OWN_RANGE.contains(n.getOpType()) && !reluNext) {
                quantized.add(y);
            } else if (SHARED.contains(n.getOpType()) && quantized.contains(n.getInput(0))) {
                quantized.add(y);
                sharesWith.put(y, sharesWith.getOrDefault(n.getInput(0), n.getInput(0)));
            }
        }
        Map<String, float[]> ranges = ranges(m, quantized, rows, dir);
        Map<String, String> rename = new HashMap<>();
        Map<String, Float> actScale = new HashMap<>();
        GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer();
        Map<String, TensorProto> inits = new LinkedHashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Set<String> outputs = new java.util.HashSet<>();
        g.getOutputList().forEach(v -> outputs.add(v.getName()));
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder();
            for (int k = 0; k < nb.getInputCount(); k++) {
                nb.setInput(k, rename.getOrDefault(nb.getInput(k), nb.getInput(k)));
            }
            if ((n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")) && inits.containsKey(n.getInput(1))) {
                float[] ws = weight(b, inits, n.getInput(1));
                Float xs = actScale.get(nb.getInput(0));
                if (n.getInputCount() > 2 && xs != null && inits.containsKey(n.getInput(2))) {
                    bias(b, inits, n.getInput(2), xs, ws);
                }
            }
            String y = n.getOutput(0);
            if (!quantized.contains(y)) {
                b.addNode(nb);
                continue;
            }
            String raw = outputs.contains(y) ? y + ".float" : y;
            String dq = outputs.contains(y) ? y : y + ".dq";
            b.addNode(nb.setOutput(0, raw));
            String key = sharesWith.getOrDefault(y, y);
            float[] r = ranges.get(key);
            double scale = Math.max(r[1] - Math.min(0, r[0]), 1e-8) / 255.0;
            int zp = (int) Math.max(0, Math.min(255, Math.rint(-Math.min(0, r[0]) / scale)));
            String s = key + ".act_scale";
            String z = key + ".act_zero_point";
            inits.putIfAbsent(s, QTensors.float32(s, new long[0], new float[] {(float) scale}));
            inits.putIfAbsent(z, QTensors.bytes(z, new long[0], TensorProto.DataType.UINT8_VALUE, new int[] {zp}));
            b.addNode(NodeProto.newBuilder().setName(y + ".quantize").setOpType("QuantizeLinear").addInput(raw)
                    .addInput(s).addInput(z).addOutput(y + ".q"));
            b.addNode(NodeProto.newBuilder().setName(y + ".dequantize").setOpType("DequantizeLinear")
                    .addInput(y + ".q").addInput(s).addInput(z).addOutput(dq));
            if (!dq.equals(y)) {
                rename.put(y, dq);
            }
            actScale.put(dq, (float) scale);
        }
        inits.values().forEach(b::addInitializer);
        return m.toBuilder().setGraph(b).build();
    }

    /**
     * Replaces float bias {@code bias} by INT32 {@code bias.quantized} with scale {@code x_scale * w_scale[c]} (zero
     * point 0) and a DQ -> bias: the form ONNX Runtime's QDQ fusion needs (with a float bias it leaves the layer in
     * float, measured in docs/benchmarks.md).
     */
    private static void bias(GraphProto.Builder b, Map<String, TensorProto> inits, String bias, float xs, float[] ws) {
        TensorProto t = inits.remove(bias);
        float[] v = QTensors.floats(t);
        float[] scale = new float[v.length];
        int[] q = new int[v.length];
        for (int c = 0; c < v.length; c++) {
            scale[c] = xs * ws[c];
            q[c] = (int) Math.rint(v[c] / scale[c]);
        }
        inits.put(bias + ".quantized", QTensors.int32(bias + ".quantized", new long[] {v.length}, q));
        inits.put(bias + ".scale", QTensors.float32(bias + ".scale", new long[] {v.length}, scale));
        b.addNode(NodeProto.newBuilder().setName(bias + ".dequantize").setOpType("DequantizeLinear")
                .addInput(bias + ".quantized").addInput(bias + ".scale").addOutput(bias)
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0)));
    }

    /**
     * Replaces float weight {@code w} by int8 {@code w.quantized} (symmetric, per output channel) and a DQ -> w;
     * returns the scales.
     */
    private static float[] weight(GraphProto.Builder b, Map<String, TensorProto> inits, String w) {
        TensorProto t = inits.remove(w);
        float[] v = QTensors.floats(t);
        int c = (int) t.getDims(0);
        int per = v.length / c;
        float[] scale = new float[c];
        int[] q = new int[v.length];
        for (int k = 0; k < c; k++) {
            float max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(v[k * per + i]));
            }
            scale[k] = max > 0 ? max / 127f : 1f;
            for (int i = 0; i < per; i++) {
                q[k * per + i] = (int) Math.max(-127, Math.min(127, Math.rint(v[k * per + i] / scale[k])));
            }
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        inits.put(w + ".quantized", QTensors.bytes(w + ".quantized", dims, TensorProto.DataType.INT8_VALUE, q));
        inits.put(w + ".scale", QTensors.float32(w + ".scale", new long[] {c}, scale));
        inits.put(w + ".zero_point", QTensors.bytes(w + ".zero_point", new long[] {c}, TensorProto.DataType.INT8_VALUE,
                new int[c]));
        b.addNode(NodeProto.newBuilder().setName(w + ".dequantize").setOpType("DequantizeLinear")
                .addInput(w + ".quantized").addInput(w + ".scale").addInput(w + ".zero_point").addOutput(w)
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0)));
        return scale;
    }

    /** min and max of each named tensor of {@code m} over {@code rows}, from ONNX Runtime. */
    private static Map<String, float[]> ranges(ModelProto m, List<String> tensors, INDArray rows, Path dir)
            throws IOException {
        GraphProto.Builder g = m.getGraph().toBuilder();
        Set<String> outs = new java.util.HashSet<>();
        g.getOutputList().forEach(v -> outs.add(v.getName()));
        for (String t : tensors) {
            if (!outs.contains(t)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(t));
            }
        }
        Path f = dir.resolve("calibration.onnx");
        Files.write(f, m.toBuilder().setGraph(g).build().toByteArray());
        Map<String, float[]> r = new HashMap<>();
        try (OrtRunner ort = new OrtRunner(f, 1)) {
            Map<String, INDArray> all = ort.runAll(Map.of(m.getGraph().getInput(0).getName(), rows));
            for (String t : tensors) {
                INDArray a = all.get(t);
                r.put(t, new float[] {a.minNumber().floatValue(), a.maxNumber().floatValue()});
            }
        }
        return r;
    }
}
