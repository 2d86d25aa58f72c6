package dev.condense.plugin.prune.thinet;

import dev.condense.api.model.Node;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code thinet}: ranks the input channels of a Gemm or Conv by ThiNet's greedy selection on the layer's
 * own outputs. Asks the stage context for the layer's input on {@code rows} training rows, samples outputs with the
 * stage seed ({@link ThinetContributions}), and scores each channel by its removal step ({@link ThinetSelection}):
 * 0 for the first removed, {@code inC - 1} for the last. After removal the kernel may refit with
 * {@link ThinetRescale}.
 */
@Extension
public final class ThinetScorer implements ImportanceScorer<ThinetParams> {

    @Override
    public String id() {
        return "thinet";
    }

    @Override
    public Class<ThinetParams> paramsType() {
        return ThinetParams.class;
    }

    @Override
    public String summary() {
        return "ThiNet: greedy input-channel selection minimising the reconstruction error of the layer's outputs";
    }

    @Override
    public String citation() {
        return "Luo, Wu, Lin. ThiNet: A Filter Level Pruning Method for Deep Neural Network Compression. ICCV 2017";
    }

    @Override
    public Set<Granularity> granularities() {
        return EnumSet.of(Granularity.CHANNEL);
    }

    @Override
    public boolean needsData() {
        return true;
    }

    @Override
    public INDArray score(ScoringRequest request, ThinetParams params) {
        if (request.granularity() != Granularity.CHANNEL) {
            throw new IllegalArgumentException("thinet scores input channels, not " + request.granularity());
        }
        if (request.context() == null || request.graph() == null) {
            throw new IllegalStateException("thinet needs the layer's input activations from the data set, but scoring '"
                    + request.layer() + "' got no " + (request.context() == null ? "stage context" : "graph")
                    + "; give the recipe a data set (data: {dataset: ...})");
        }
        Node node = request.graph().consumers(request.layer()).stream()
                .filter(n -> n.inputs().size() > 1 && n.inputs().get(1).equals(request.layer())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("thinet: no Gemm or Conv reads '" + request.layer()
                        + "' as its weight"));
        String input = node.inputs().get(0);
        INDArray x = request.context().activations(request.graph(), List.of(input), params.rows()).get(input);
        INDArray w = request.weight();
        long seed = request.context().seed() ^ (long) request.layer().hashCode() * 0x9E3779B97F4A7C15L;
        INDArray contributions = switch (node.opType()) {
            case "Gemm" -> gemm(node, x, w, seed, params.samples());
            case "Conv" -> conv(node, x, w, seed, params.samples());
            default -> throw new IllegalArgumentException("thinet supports Gemm and Conv layers; '" + request.layer()
                    + "' is read by " + node.opType() + " '" + node.name() + "'");
        };
        return ThinetSelection.ranks(ThinetSelection.removalOrder(contributions));
    }

    private static INDArray gemm(Node node, INDArray x, INDArray w, long seed, int samples) {
        if (node.intAttr("transA", 0) != 0 || node.intAttr("transB", 0) != 1) {
            throw new IllegalArgumentException("thinet needs Gemm '" + node.name() + "' with transA=0, transB=1 "
                    + "(weight [out, in])");
        }
        int[] rows = ThinetContributions.sample(seed, samples, x.size(0));
        int[] outputs = ThinetContributions.sample(~seed, samples, w.size(0));
        return ThinetContributions.gemm(x, w, rows, outputs);
    }

    private static INDArray conv(Node node, INDArray x, INDArray w, long seed, int samples) {
        Object autoPad = node.attributes().getOrDefault("auto_pad", "NOTSET");
        if (node.intAttr("group", 1) != 1 || !"NOTSET".equals(autoPad)) {
            throw new IllegalArgumentException("thinet supports Conv with group=1 and explicit pads; '" + node.name()
                    + "' has group=" + node.intAttr("group", 1) + ", auto_pad=" + autoPad);
        }
        int[] strides = ints(node.intsAttr("strides", new long[] {1, 1}));
        int[] pads = ints(node.intsAttr("pads", new long[] {0, 0, 0, 0}));
        int[] dilations = ints(node.intsAttr("dilations", new long[] {1, 1}));
        long positions = ThinetContributions.convPositions(x, w, strides, pads, dilations);
        int[] at = ThinetContributions.sample(seed, samples, positions);
        int[] outputs = ThinetContributions.sample(~seed, samples, w.size(0));
        return ThinetContributions.conv(x, w, strides, pads, dilations, at, outputs);
    }

    private static int[] ints(long[] v) {
        return java.util.Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
    }
}
