package dev.condense.engine.graph;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channel-dependency analysis: which channel slices of which tensors must be pruned together (the dependency
 * graph of structured pruning, cf. Fang et al., "DepGraph: Towards Any Structural Pruning", CVPR 2023).
 *
 * <p>Each activation with tracked channels has a {@link Layout}: its channel axis (1), the indices per channel
 * along that axis ({@code block}: 1, or {@code H*W} after a Flatten of {@code [N, C, H, W]}), and segments, each
 * mapping a whole channel space to a channel position (Concat along axis 1 appends segments). Rules per op:
 * Conv (group 1) and Gemm/MatMul with a float initializer weight ({@link WeightedLayers#stored}) read the input's channels through the weight's input
 * axis and create a new space (weight output axis, bias, output); a depthwise Conv ({@code group = inC = outC})
 * passes the space through and adds its weight/bias rows; elementwise activations, pooling, Dropout and
 * BatchNormalization (plus its four {@code [C]} parameters) pass spaces through; Add/Sub/Mul/Div of two
 * activations join the aligned spaces (a residual connection), with a per-channel constant add it as a member;
 * Flatten(axis 1) multiplies the block by {@code H*W}. HardSigmoid and nearest Resize pass spaces through.
 * Anything else (Reshape, Transpose, Softmax, Pad, Slice, Squeeze, other grouped convs, misaligned joins) fixes the
 * spaces involved, as do graph inputs and outputs; a ConvTranspose creates a fixed space (its input and output
 * channels are never pruned).
 */
public final class ChannelDependencies {
    private static final Set<String> PASS_THROUGH = Set.of("Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Sign", "Clip", "Dropout",
            "Identity", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "Resize");
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div");

    private final ModelGraph g;
    private final Map<String, long[]> shapes;
    private final ChannelSpaces spaces = new ChannelSpaces();
    private final Map<String, Layout> layouts = new HashMap<>();
    /** The layers whose weight is a float initializer read directly ({@link WeightedLayers#stored}), by node. */
    private final Map<Node, WeightedLayer> weighted = new IdentityHashMap<>();

    private ChannelDependencies(ModelGraph g) {
        this.g = g;
        this.shapes = ShapeInference.infer(g);
        WeightedLayers.stored(g).forEach(l -> weighted.put(l.node(), l));
    }

    /** The prunable channel groups of {@code g}, ordered by their first producing node. */
    public static List<ChannelGroup> analyze(ModelGraph g) {
        ChannelDependencies d = new ChannelDependencies(g);
        g.inputs().stream().filter(v -> v.shape().length >= 2).forEach(v -> d.layouts.put(v.name(),
                Layout.of(d.spaces.create(v.name(), v.shape()[1], true), 1)));
        g.nodes().forEach(d::visit);
        g.outputs().forEach(v -> d.fixAll(v.name()));
        return d.spaces.groups();
    }

    private void visit(Node n) {
        String x = n.inputs().get(0);
        Layout in = layouts.get(x);
        String op = n.opType();
        WeightedLayer.Kind kind = weighted.containsKey(n) ? weighted.get(n).kind() : null;
        if (kind == WeightedLayer.Kind.CONV && n.intAttr("group", 1) == 1) {
            readThrough(in, n.inputs().get(1), 1);
            produce(n, n.inputs().get(1), 0);
        } else if (kind == WeightedLayer.Kind.CONV && in != null && n.intAttr("group", 1) == shapes.get(x)[1]
                && shapes.get(n.inputs().get(1))[0] == shapes.get(x)[1]) {
            n.inputs().stream().skip(1).forEach(p -> addMembers(in, p, 0, 1));
            passThrough(n, in);
        } else if ((kind == WeightedLayer.Kind.GEMM || kind == WeightedLayer.Kind.MATMUL) && n.intAttr("transA", 0) == 0) {
            int inAxis = n.intAttr("transB", 0) != 0 ? 1 : 0;
            readThrough(in, n.inputs().get(1), inAxis);
            produce(n, n.inputs().get(1), 1 - inAxis);
        } else if (PASS_THROUGH.contains(op) && in != null) {
            if (op.equals("BatchNormalization")) {
                n.inputs().stream().skip(1).forEach(p -> addMembers(in, p, 0, 1));
            }
            passThrough(n, in);
        } else if (ELEMENTWISE.contains(op)) {
            elementwise(n);
        } else if (op.equals("Flatten") && in != null && n.intAttr("axis", 1) == 1) {
            long[] s = shapes.get(x);
            long spatial = Reshapes.product(s, 2, s.length);
            passThrough(n, new Layout(in.segments, in.block * spatial));
        } else if (op.equals("Concat") && ShapeInference.axis(n.intAttr("axis", 0), shapes.get(x).length) == 1
                && n.inputs().stream().allMatch(i -> layouts.containsKey(i) && layouts.get(i).block == 1)) {
            List<long[]> segs = new ArrayList<>();
            long pos = 0;
            for (String i : n.inputs()) {
                for (long[] s : layouts.get(i).segments) {
                    segs.add(new long[] {s[0], pos + s[1]});
                }
                pos += shapes.get(i)[1];
            }
            passThrough(n, new Layout(segs, 1));
        } else {
            n.inputs().forEach(this::fixAll);
            if (WeightedLayer.Kind.of(op) != null) {
                layouts.put(n.output(), Layout.of(spaces.create(n.name(), shapes.get(n.output())[1], true), 1));
            }
        }
    }

    private void elementwise(Node n) {
        List<Layout> acts = n.inputs().stream().filter(layouts::containsKey).map(layouts::get).toList();
        if (acts.isEmpty()) {
            return;
        }
        Layout first = acts.get(0);
        for (Layout other : acts.subList(1, acts.size())) {
            if (!first.alignedWith(other)) {
                n.inputs().forEach(this::fixAll);
                return;
            }
            for (int k = 0; k < first.segments.size(); k++) {
                spaces.union((int) first.segments.get(k)[0], (int) other.segments.get(k)[0]);
            }
        }
        for (String i : n.inputs()) {
            if (isInitName(i) && !perChannelConstant(i, first, shapes.get(n.output()).length)) {
                n.inputs().forEach(this::fixAll);
                return;
            }
        }
        passThrough(n, first);
    }

    /** A constant broadcast against the channel axis: scalar-like, or exactly {@code [C, 1, ...]} aligned to axis 1. */
    private boolean perChannelConstant(String c, Layout act, int rankOut) {
        long[] s = shapes.get(c);
        long total = Reshapes.product(s, 0, s.length);
        if (total == 1) {
            return true;
        }
        int axis = 1 - (rankOut - s.length);
        if (act.block != 1 || axis < 0 || s[axis] != total) {
            return false;
        }
        addMembers(act, c, axis, 1);
        return true;
    }

    private void produce(Node n, String weight, int outAxis) {
        long size = shapes.get(n.output())[1];
        int space = spaces.create(n.name(), size, false);
        spaces.add(space, new ChannelSlice(weight, outAxis, 0, 1));
        if (n.inputs().size() > 2 && isInit(n, 2)) {
            spaces.add(space, new ChannelSlice(n.inputs().get(2), 0, 0, 1));
        }
        Layout out = Layout.of(space, 1);
        passThrough(n, out);
    }

    private void readThrough(Layout in, String weight, int axis) {
        if (in != null) {
            addMembers(in, weight, axis, in.block);
        }
    }

    private void addMembers(Layout l, String tensor, int axis, long block) {
        for (long[] s : l.segments) {
            spaces.add((int) s[0], new ChannelSlice(tensor, axis, s[1] * block, block));
        }
    }

    private void passThrough(Node n, Layout in) {
        Layout out = new Layout(in.segments, in.block);
        layouts.put(n.output(), out);
        addMembers(out, n.output(), 1, out.block);
    }

    private void fixAll(String tensor) {
        Layout l = layouts.get(tensor);
        if (l != null) {
            l.segments.forEach(s -> spaces.fix((int) s[0]));
        }
    }

    private boolean isInit(Node n, int i) {
        return n.inputs().size() > i && isInitName(n.inputs().get(i));
    }

    private boolean isInitName(String t) {
        return g.initializers().containsKey(t);
    }

    /** Channel layout of an activation: segments {@code [space, channel position]} along axis 1, {@code block} per channel. */
    private record Layout(List<long[]> segments, long block) {

        static Layout of(int space, long block) {
            List<long[]> s = new ArrayList<>();
            s.add(new long[] {space, 0});
            return new Layout(s, block);
        }

        boolean alignedWith(Layout o) {
            if (o.block != block || o.segments.size() != segments.size()) {
                return false;
            }
            for (int k = 0; k < segments.size(); k++) {
                if (segments.get(k)[1] != o.segments.get(k)[1]) {
                    return false;
                }
            }
            return true;
        }
    }
}
