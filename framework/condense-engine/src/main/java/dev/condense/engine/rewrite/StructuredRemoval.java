package dev.condense.engine.rewrite;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Physically removes channels of {@link ChannelGroup}s (from
 * {@code dev.condense.engine.graph.ChannelDependencies}) from a graph: the graph that comes out is smaller.
 *
 * <p>Removing channel {@code c} of a group deletes, in every initializer member slice
 * {@code (tensor, axis, offset, block)}, the indices {@code [offset + c*block, offset + (c+1)*block)} along
 * {@code axis}: a Gemm neuron's weight row and bias entry and the next Gemm's input column, a conv filter with its
 * bias and the BatchNormalization scale/B/mean/var entries and the next conv's input channel, both producers of a
 * residual Add, a Concat input's offset range in the consumer, a flattened {@code H*W} feature block of a Gemm.
 * Activations are not stored, so they shrink with their producers; shapes are re-inferred by whoever reads the graph.
 * A mask on a trimmed initializer is trimmed the same way, so masks of removed units disappear. A depthwise Conv
 * ({@code group = C}, as in MobileNet blocks) gets {@code group} set to its remaining channel count.
 *
 * <p>Invariant (tested against ONNX Runtime): the trimmed graph computes exactly what the original computes with
 * every initializer member slice of the removed channels zeroed (producer rows and biases, BatchNormalization
 * parameters, consumer columns), since the analysis guarantees that a removed channel reaches nothing outside its
 * group. Zeroing only the producer is not enough in general: a BatchNormalization turns a zero channel into the
 * constant {@code B - scale*mean/sqrt(var+eps)}, which removal drops and masking keeps.
 */
public final class StructuredRemoval {
    private StructuredRemoval() {
    }

    /**
     * @param g       the graph; not modified
     * @param removed per group, the channel indices (0-based, in the group's current numbering) to remove; a group
     *                must keep at least one channel
     * @return a new graph with the trimmed initializers (and masks)
     * @throws IllegalArgumentException when an index is out of range or a group would lose every channel
     */
    public static ModelGraph remove(ModelGraph g, Map<ChannelGroup, long[]> removed) {
        Map<String, Map<Integer, boolean[]>> drop = new LinkedHashMap<>();
        for (var e : removed.entrySet()) {
            ChannelGroup group = e.getKey();
            long[] channels = e.getValue();
            if (Arrays.stream(channels).distinct().count() >= group.size()) {
                throw new IllegalArgumentException("cannot remove all " + group.size() + " channels of " + group.sources());
            }
            for (long c : channels) {
                if (c < 0 || c >= group.size()) {
                    throw new IllegalArgumentException("channel " + c + " out of range [0, " + group.size() + ") in "
                            + group.sources());
                }
            }
            for (ChannelSlice s : group.members()) {
                INDArray t = g.initializers().get(s.tensor());
                if (t == null) {
                    continue;
                }
                boolean[] d = drop.computeIfAbsent(s.tensor(), k -> new TreeMap<>())
                        .computeIfAbsent(s.axis(), a -> new boolean[(int) t.size(a)]);
                for (long c : channels) {
                    Arrays.fill(d, (int) (s.offset() + c * s.block()), (int) (s.offset() + (c + 1) * s.block()), true);
                }
            }
        }
        ModelGraph.Builder b = g.toBuilder();
        for (var e : drop.entrySet()) {
            INDArray w = g.initializers().get(e.getKey());
            INDArray m = g.masks().get(e.getKey());
            for (var axis : e.getValue().entrySet()) {
                long[] keep = keep(axis.getValue());
                w = select(w, axis.getKey(), keep);
                m = m == null ? null : select(m, axis.getKey(), keep);
            }
            b.initializer(e.getKey(), w);
            if (m != null) {
                b.mask(e.getKey(), m);
            }
        }
        return regroupDepthwise(g, b.build());
    }

    /**
     * A depthwise Conv ({@code group = inC = outC}, weight {@code [C, 1, kH, kW]}) whose channels were removed keeps
     * {@code group} equal to its new channel count; other nodes are unchanged.
     */
    private static ModelGraph regroupDepthwise(ModelGraph before, ModelGraph after) {
        boolean changed = false;
        java.util.List<Node> nodes = new java.util.ArrayList<>();
        Map<Node, WeightedLayer> convs = new IdentityHashMap<>();
        WeightedLayers.stored(after).stream().filter(l -> l.kind() == WeightedLayer.Kind.CONV)
                .forEach(l -> convs.put(l.node(), l));
        for (Node n : after.nodes()) {
            WeightedLayer conv = convs.get(n);
            INDArray w = conv == null ? null : after.initializers().get(conv.source());
            INDArray old = w == null ? null : before.initializers().get(conv.source());
            long group = n.intAttr("group", 1);
            if (w != null && old != null && group > 1 && group == old.size(0) && old.size(1) == 1 && w.size(0) != group) {
                Map<String, Object> attrs = new LinkedHashMap<>(n.attributes());
                attrs.put("group", w.size(0));
                n = new Node(n.name(), n.opType(), n.inputs(), n.outputs(), attrs);
                changed = true;
            }
            nodes.add(n);
        }
        if (!changed) {
            return after;
        }
        ModelGraph.Builder b = after.toBuilder().clearNodes();
        nodes.forEach(b::node);
        return b.build();
    }

    private static long[] keep(boolean[] drop) {
        long[] out = new long[drop.length];
        int n = 0;
        for (int i = 0; i < drop.length; i++) {
            if (!drop[i]) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The sub-array of {@code a} at {@code keep} along {@code axis}, as a fresh array of the expected shape. */
    static INDArray select(INDArray a, int axis, long[] keep) {
        long[] shape = a.shape().clone();
        shape[axis] = keep.length;
        if (keep.length == a.size(axis)) {
            return a;
        }
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[axis] = NDArrayIndex.indices(keep);
        return a.get(idx).dup().reshape(shape);
    }
}
