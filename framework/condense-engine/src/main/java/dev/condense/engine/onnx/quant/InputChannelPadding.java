package dev.condense.engine.onnx.quant;

import java.util.List;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * The last step of {@link ChannelPadding}: an int8 Conv reading a freshly quantized float tensor
 * ({@code x -> QuantizeLinear -> DequantizeLinear -> Conv}, typically the model's normalized image with 1 or 3
 * channels) whose input channel count {@code C} is not a multiple of 4 gets its input padded to the next multiple of
 * 4 with zero channels, when the Conv's output channels then meet MLAS's condition (at least 16, a multiple of 8): {@code x -> Pad(channels C -> C') -> QuantizeLinear -> ...}, and its weight zero input
 * channels ({@code [M, C, k, k] -> [M, C', k, k]}). Exact whatever the padded values quantize to: their weights are
 * 0. ONNX Runtime then can run the Conv with MLAS's symmetric kernel (input channels a multiple of 4) instead of
 * im2col + GEMM image by image, which at {@code K = 9} is mostly overhead; the Pad and the QuantizeLinear work on
 * the input only. Only when the Q and DQ have no other reader.
 */
final class InputChannelPadding {
    private InputChannelPadding() {
    }

    /** Pads every such Conv's input in {@code g}; returns the Convs changed, as {@code name: C -> C'}. */
    static List<String> pad(QdqGraph g) {
        List<String> changed = new java.util.ArrayList<>();
        for (NodeProto c : List.copyOf(g.nodes)) {
            if (!ChannelPadding.isConv(c) || g.weightDq(c.getInput(1)) == null) {
                continue;
            }
            long cin = ChannelPadding.channels(g, c, 1);
            NodeProto dq = g.activationDq(c.getInput(0));
            NodeProto q = dq == null ? null : g.producer(dq.getInput(0));
            if (cin < 1 || cin % 4 == 0 || !g.isQuantize(q) || g.consumers(dq.getOutput(0)).size() != 1
                    || g.consumers(q.getOutput(0)).size() != 1 || g.outputs.contains(dq.getOutput(0))
                    || g.outputs.contains(q.getOutput(0)) || !g.params(q).perTensor() || !g.params(dq).perTensor()
                    || g.consumers(c.getInput(1)).size() != 1) {
                continue;
            }
            NodeProto wdq = g.weightDq(c.getInput(1));
            TensorProto w = g.initializers.get(wdq.getInput(0));
            if (g.consumers(w.getName()).size() != 1) {
                continue;
            }
            long to = (cin + 3) / 4 * 4;
            if (!ChannelPadding.symmetricKernel(to, ChannelPadding.channels(g, c, 0))) {
                continue;   // the Conv would still miss the kernel: padding would only add work
            }
            int rank = w.getDimsCount();
            long[] pads = new long[2 * rank];
            pads[rank + 1] = to - cin;   // end of axis 1
            String padsName = g.fresh(c.getName() + ".input_pads");
            g.initializers.put(padsName, QTensors.int64(padsName, pads));
            String padded = g.fresh(q.getInput(0) + ".padded");
            NodeProto pad = NodeProto.newBuilder().setName(g.fresh(c.getName() + ".input_pad")).setOpType("Pad")
                    .addInput(q.getInput(0)).addInput(padsName).addOutput(padded).build();
            int at = g.indexOf(q);
            g.nodes.set(at, q.toBuilder().setInput(0, padded).build());
            g.nodes.add(at, pad);
            g.initializers.put(w.getName(), PaddedTensors.zeros(w, 1, to));
            g.reindex();
            changed.add(c.getName() + ": " + cin + " -> " + to + " input channels");
        }
        return changed;
    }
}
