package dev.condense.engine.onnx.quant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Widens narrow convolutions of a QDQ model with zero filters so that ONNX Runtime's QLinearConv can use MLAS's
 * symmetric convolution kernel, which it takes only for {@code group = 1}, input channels a multiple of 4 and at
 * least 16 output channels, a multiple of 8 (MLAS {@code MlasConvSymPackWSize}, onnxruntime/core/mlas/lib/convsym.cpp;
 * otherwise im2col and a u8s8 GEMM run image by image). Measured on resnet-20-small's 8-channel stage 1 in ORT
 * 1.20: docs/benchmarks.md, "Issue 14: resnet-20-small int8 (rq8 stream, tenth session)".
 *
 * <p>A <em>channel group</em> is the set of NCHW tensors that must keep one channel count: from a narrow Conv's
 * output, through per-tensor QuantizeLinear/DequantizeLinear, Relu, Clip, MaxPool and AveragePool (either way) and
 * both operands and the result of Add, to the Convs that write them (their output channels widen: zero weights,
 * zero bias, per-channel scales padded with the first channel's scale, zero points with 0) and the Convs that read
 * them (their input channels widen: zero weights). The group widens from {@code C} to {@link #target}{@code (C)} (16,
 * or {@code C} rounded up to a multiple of 8) when it reaches
 * nothing else (a graph input or output, a global pool, a Gemm: left as it is) and one of its int8 Convs meets
 * MLAS's condition only after widening. Float Convs in the group (a float stem) widen too, in float. Then
 * {@link InputChannelPadding} pads a freshly quantized input whose channel count is not a multiple of 4 (a model's
 * 1-channel image) with zero channels, when its Conv then meets the condition.
 *
 * <p>Exact: the added channels are 0 at every layer (zero filters and bias give 0, quantized to the zero point,
 * which dequantizes to 0; Relu, pools and Add keep 0), and the readers' zero weights over them add nothing to the
 * integer accumulators, so every original channel computes the same integers as before. Per-tensor activation
 * grids are unchanged.
 */
public final class ChannelPadding {
    /** MLAS's least output channel count for the symmetric convolution kernel. */
    public static final int MLAS_MIN_OUTPUT_CHANNELS = 16;
    private static final Set<String> PASS = Set.of("QuantizeLinear", "DequantizeLinear", "Relu", "Clip", "MaxPool",
            "AveragePool");

    /**
     * The result of a padding pass.
     *
     * @param model   the rewritten model ({@code m} itself when nothing was widened)
     * @param widened the Convs whose output channels were widened ({@code name: C -> C'}), then those whose input
     *                was padded ({@link InputChannelPadding}: {@code name: C -> C' input channels})
     */
    public record Result(ModelProto model, List<String> widened) {
        public Result {
            widened = List.copyOf(widened);
        }
    }

    private ChannelPadding() {
    }

    /**
     * {@code m} with every eligible channel group of {@code C} channels that misses MLAS's output condition widened to
     * {@link #target}{@code (C)}, then every eligible quantized input padded to a multiple of 4 channels.
     */
    public static Result pad(ModelProto m) {
        return pad(m, false);
    }

    /**
     * As {@link #pad(ModelProto)}; with {@code inputPatches}, a narrow quantized input is lowered by
     * {@link InputPatches} after the groups widen (so a stem widened to 16 filters qualifies) and before
     * {@link InputChannelPadding} would pad it, and the lowered Convs are listed as {@code name: C x kh x kw -> P'}.
     */
    public static Result pad(ModelProto m, boolean inputPatches) {
        QdqGraph g = new QdqGraph(m.getGraph());
        Set<NodeProto> done = new java.util.HashSet<>();
        List<String> widened = new ArrayList<>();
        for (NodeProto n : List.copyOf(g.nodes)) {
            long c = isConv(n) ? channels(g, n, 0) : -1;
            if (c < 1 || done.contains(n) || target(c) == c || g.weightDq(n.getInput(1)) == null) {
                continue;
            }
            Group group = ChannelGroup.of(g, n);
            if (group == null) {
                continue;
            }
            done.addAll(group.writers());
            long width = target(c);
            if (group.worthIt(g, width)) {
                widen(g, group, width);
                group.writers().forEach(w -> widened.add(w.getName() + ": " + group.count() + " -> " + width));
            }
        }
        if (inputPatches) {
            g.reindex();
            widened.addAll(InputPatches.lower(g));
        }
        widened.addAll(InputChannelPadding.pad(g));
        if (widened.isEmpty()) {
            return new Result(m, List.of());
        }
        g.reindex();
        return new Result(m.toBuilder().setGraph(g.toProto(m.getGraph())).build(), widened);
    }

    /** The least channel count {@code >= c} that meets MLAS's output condition: 16, or {@code c} rounded up to 8. */
    static long target(long c) {
        return Math.max(MLAS_MIN_OUTPUT_CHANNELS, (c + 7) / 8 * 8);
    }

    /** A channel group: the Convs writing its tensors (output widened) and reading them (input widened). */
    record Group(long count, Set<NodeProto> writers, Set<NodeProto> readers) {
        /** Whether widening gives some int8 Conv MLAS's symmetric kernel it does not have now. */
        boolean worthIt(QdqGraph g, long width) {
            Set<NodeProto> all = new LinkedHashSet<>(writers);
            all.addAll(readers);
            for (NodeProto c : all) {
                NodeProto dq = g.weightDq(c.getInput(1));
                if (dq == null || g.initializers.get(dq.getInput(0)).getDataType() != TensorProto.DataType.INT8_VALUE) {
                    continue;
                }
                long in = readers.contains(c) ? width : channels(g, c, 1);
                long out = writers.contains(c) ? width : channels(g, c, 0);
                if (symmetricKernel(in, out) && !symmetricKernel(channels(g, c, 1), channels(g, c, 0))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** MLAS's condition for its symmetric convolution kernel (group 1). */
    static boolean symmetricKernel(long inputChannels, long outputChannels) {
        return inputChannels % 4 == 0 && outputChannels >= 16 && outputChannels % 8 == 0;
    }

    static boolean isConv(NodeProto n) {
        return n != null && n.getDomain().isEmpty() && n.getOpType().equals("Conv") && attr(n, "group", 1) == 1
                && n.getInputCount() >= 2;
    }

    static boolean passes(NodeProto n) {
        return n.getDomain().isEmpty() && PASS.contains(n.getOpType());
    }

    static long attr(NodeProto n, String name, long otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(AttributeProto::getI)
                .findFirst().orElse(otherwise);
    }

    /** Dimension {@code axis} of Conv {@code c}'s stored weight (behind its DequantizeLinear, if any). */
    static long channels(QdqGraph g, NodeProto c, int axis) {
        TensorProto w = stored(g, c.getInput(1));
        return w == null || w.getDimsCount() <= axis ? -1 : w.getDims(axis);
    }

    /** The initializer holding {@code tensor}'s values: itself, or the one its DequantizeLinear reads; else null. */
    static TensorProto stored(QdqGraph g, String tensor) {
        TensorProto t = g.initializers.get(tensor);
        if (t != null) {
            return t;
        }
        NodeProto dq = g.weightDq(tensor);
        return dq == null ? null : g.initializers.get(dq.getInput(0));
    }

    private static void widen(QdqGraph g, Group group, long width) {
        for (NodeProto c : group.readers()) {
            replace(g, g.initializers.get(storedName(g, c.getInput(1))), PaddedTensors.zeros(
                    g.initializers.get(storedName(g, c.getInput(1))), 1, width));
        }
        for (NodeProto c : group.writers()) {
            widenOutputs(g, c.getInput(1), width);
            if (c.getInputCount() > 2 && !c.getInput(2).isEmpty()) {
                widenOutputs(g, c.getInput(2), width);
            }
        }
    }

    /** Widens axis 0 of a weight or bias and, behind a per-channel DequantizeLinear, its scale and zero point. */
    private static void widenOutputs(QdqGraph g, String tensor, long width) {
        String name = storedName(g, tensor);
        TensorProto t = g.initializers.get(name);
        replace(g, t, PaddedTensors.zeros(t, 0, width));
        NodeProto dq = g.weightDq(tensor);
        if (dq != null) {
            TensorProto scale = g.initializers.get(dq.getInput(1));
            replace(g, scale, PaddedTensors.firstValue(scale, 0, width));
            if (dq.getInputCount() > 2 && !dq.getInput(2).isEmpty()) {
                TensorProto zp = g.initializers.get(dq.getInput(2));
                replace(g, zp, PaddedTensors.zeros(zp, 0, width));
            }
        }
    }

    private static String storedName(QdqGraph g, String tensor) {
        return g.initializers.containsKey(tensor) ? tensor : g.weightDq(tensor).getInput(0);
    }

    private static void replace(QdqGraph g, TensorProto old, TensorProto t) {
        g.initializers.put(old.getName(), t);
    }

    /** Finds channel groups; null when the group reaches something that cannot widen. */
    static final class ChannelGroup {
        private ChannelGroup() {
        }

        static Group of(QdqGraph g, NodeProto seed) {
            long c = channels(g, seed, 0);
            Set<String> seen = new LinkedHashSet<>();
            Set<NodeProto> writers = new LinkedHashSet<>();
            Set<NodeProto> readers = new LinkedHashSet<>();
            Deque<String> todo = new ArrayDeque<>();
            todo.add(seed.getOutput(0));
            while (!todo.isEmpty()) {
                String t = todo.poll();
                if (!seen.add(t)) {
                    continue;
                }
                if (g.outputs.contains(t) || g.inputs.contains(t) || g.initializers.containsKey(t)) {
                    return null;
                }
                NodeProto p = g.producer(t);
                if (p == null || !visit(g, p, t, true, c, todo, writers, readers)) {
                    return null;
                }
                for (int i : g.consumers(t)) {
                    if (!visit(g, g.nodes.get(i), t, false, c, todo, writers, readers)) {
                        return null;
                    }
                }
            }
            return new Group(c, writers, readers);
        }

        /** Follows node {@code n} from tensor {@code t} ({@code n} writes it when {@code writes}); false to give up. */
        private static boolean visit(QdqGraph g, NodeProto n, String t, boolean writes, long c, Deque<String> todo,
                                     Set<NodeProto> writers, Set<NodeProto> readers) {
            if (isConv(n)) {
                if (!writes && !n.getInput(0).equals(t) || n.getInputList().stream().skip(1).anyMatch(t::equals)) {
                    return false;
                }
                int axis = writes ? 0 : 1;
                if (channels(g, n, axis) != c || !ownsStorage(g, n, writes)) {
                    return false;
                }
                (writes ? writers : readers).add(n);
                return true;
            }
            if (passes(n)) {
                if (!n.getInput(0).equals(t) && !writes) {
                    return false;   // t is a scale, zero point or bound
                }
                if ((g.isQuantize(n) || g.isDequantize(n)) && !g.params(n).perTensor()) {
                    return false;
                }
                todo.add(writes ? n.getInput(0) : n.getOutput(0));
                return true;
            }
            if (n.getDomain().isEmpty() && n.getOpType().equals("Add") && n.getInputCount() == 2) {
                todo.add(n.getInput(0));
                todo.add(n.getInput(1));
                todo.add(n.getOutput(0));
                return true;
            }
            return false;
        }

        /** Whether the Conv's weight (and bias when widening outputs) are read by it alone. */
        private static boolean ownsStorage(QdqGraph g, NodeProto n, boolean writes) {
            List<String> tensors = new ArrayList<>(List.of(n.getInput(1)));
            if (writes && n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                tensors.add(n.getInput(2));
            }
            for (String t : tensors) {
                if (g.consumers(t).size() != 1 || stored(g, t) == null) {
                    return false;
                }
                NodeProto dq = g.weightDq(t);
                if (dq != null) {
                    if (g.consumers(dq.getInput(0)).size() != 1) {
                        return false;
                    }
                    QParams q = g.params(dq);
                    if (!q.perTensor() && (q.axis() != 0 || g.consumers(dq.getInput(1)).size() != 1)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
