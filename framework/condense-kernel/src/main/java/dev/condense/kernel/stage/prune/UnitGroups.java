package dev.condense.kernel.stage.prune;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.prune.Granularity;
import dev.condense.engine.graph.ChannelDependencies;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps the dependency analysis to what a structured prune stage can remove for a granularity.
 *
 * <p>A layer (weight initializer) can take FILTER when it is a group-1 Conv weight, NEURON when it is a Gemm weight
 * with {@code transB=1} ({@code [out, in]}, the layout scorers assume), CHANNEL when it is either. A group is
 * prunable when it has a slice on such a layer's scored axis and every such layer of the group is targeted (a
 * coupled layer the recipe leaves alone keeps its shape, so the whole group stays).
 */
public final class UnitGroups {
    private UnitGroups() {
    }

    /** The groups of {@code g} the stage may prune, in analysis order. */
    public static List<UnitGroup> of(ModelGraph g, Granularity granularity, Set<String> targeted) {
        Map<String, Node> layers = layerNodes(g);
        List<UnitGroup> out = new ArrayList<>();
        for (ChannelGroup group : ChannelDependencies.analyze(g)) {
            List<ChannelSlice> scored = group.members().stream()
                    .filter(s -> layers.containsKey(s.tensor()) && takes(layers.get(s.tensor()), granularity)
                            && s.axis() == (granularity == Granularity.CHANNEL ? 1 : 0))
                    .toList();
            if (!scored.isEmpty() && scored.stream().allMatch(s -> targeted.contains(s.tensor()))) {
                out.add(new UnitGroup(group, scored));
            }
        }
        return out;
    }

    /** True when the layer named {@code weight} can be pruned at {@code granularity}. */
    public static boolean takes(ModelGraph g, String weight, Granularity granularity) {
        Node n = layerNodes(g).get(weight);
        return n != null && takes(n, granularity);
    }

    private static boolean takes(Node n, Granularity granularity) {
        boolean conv = n.opType().equals("Conv") && n.intAttr("group", 1) == 1;
        boolean gemm = n.opType().equals("Gemm") && n.intAttr("transB", 0) == 1 && n.intAttr("transA", 0) == 0;
        return switch (granularity) {
            case ELEMENT -> true;
            case FILTER -> conv;
            case NEURON -> gemm;
            case CHANNEL -> conv || gemm;
        };
    }

    private static Map<String, Node> layerNodes(ModelGraph g) {
        Map<String, Node> out = new HashMap<>();
        for (WeightedLayer l : WeightedLayers.stored(g)) {
            if (l.kind() != WeightedLayer.Kind.CONV_TRANSPOSE) {
                out.putIfAbsent(l.source(), l.node());
            }
        }
        return out;
    }
}
