package dev.condense.plugin.prune.thinet;

import dev.condense.api.model.Node;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pf4j.Extension;

/**
 * Recipe id {@code thinet}: ranks the input channels of a Gemm or Conv by ThiNet's greedy selection on the layer's
 * own outputs. Asks the stage context for the layer's input on {@code rows} training rows, samples outputs with the
 * stage seed ({@link ThinetContributions}), and scores each channel by its removal step ({@link ThinetSelection}):
 * 0 for the first removed, {@code inC - 1} for the last. After the kernel removes channels it calls
 * {@link #refit}, which reconstructs the layer with {@link ThinetRescale}.
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
        Node node = layerNode(request);
        return ThinetSelection.ranks(ThinetSelection.removalOrder(contributions(request, node, input(request, node, params),
                params)));
    }

    /**
     * ThiNet's reconstruction after the kernel removed input channels: a Gemm gets the least-squares weight
     * ({@link ThinetRescale#gemm}) reproducing its old pre-bias outputs on {@code rows} sampled inputs; a Conv keeps its
     * kernels and scales each kept input channel by the paper's factors ({@link ThinetRescale#channelScales}) fitted
     * on the same sampled contributions as scoring.
     */
    @Override
    public Optional<INDArray> refit(ScoringRequest request, long[] keep, ThinetParams params) {
        Node node = layerNode(request);
        INDArray x = input(request, node, params);
        int[] k = Arrays.stream(keep).mapToInt(Math::toIntExact).toArray();
        INDArray w = request.weight();
        if (node.opType().equals("Gemm")) {
            return Optional.of(ThinetRescale.gemm(x, w, k));
        }
        INDArray scales = ThinetRescale.channelScales(contributions(request, node, x, params), k);
        INDArray kept = w.get(NDArrayIndex.all(), NDArrayIndex.indices(keep)).dup().reshape(w.size(0), k.length,
                w.size(2), w.size(3));
        return Optional.of(kept.mul(scales.reshape(1, k.length, 1, 1)).castTo(DataType.FLOAT));
    }

    private static Node layerNode(ScoringRequest request) {
        if (request.graph() == null) {
            throw new IllegalStateException("thinet needs the layer's input activations from the data set, but '"
                    + request.layer() + "' came with no graph; give the recipe a data set (data: {dataset: ...})");
        }
        return request.graph().consumers(request.layer()).stream()
                .filter(n -> n.inputs().size() > 1 && n.inputs().get(1).equals(request.layer())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("thinet: no Gemm or Conv reads '" + request.layer()
                        + "' as its weight"));
    }

    private static INDArray input(ScoringRequest request, Node node, ThinetParams params) {
        String input = node.inputs().get(0);
        return request.context().activations(request.graph(), List.of(input), params.rows()).get(input);
    }

    private static INDArray contributions(ScoringRequest request, Node node, INDArray x, ThinetParams params) {
        INDArray w = request.weight();
        long seed = request.context().seed() ^ (long) request.layer().hashCode() * 0x9E3779B97F4A7C15L;
        return switch (node.opType()) {
            case "Gemm" -> gemm(node, x, w, seed, params.samples());
            case "Conv" -> conv(node, x, w, seed, params.samples());
            default -> throw new IllegalArgumentException("thinet supports Gemm and Conv layers; '" + request.layer()
                    + "' is read by " + node.opType() + " '" + node.name() + "'");
        };
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
