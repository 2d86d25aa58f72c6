package dev.condense.kernel.stage.factorize;

import dev.condense.api.decomp.Factorization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.rewrite.ConvFactorization;
import dev.condense.engine.rewrite.GemmFactorization;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer a {@code factorize} stage may rewrite, with the cost model of its layout: the weight handed to the
 * decomposition, its MACs per sample before, its full rank per factorized mode, its MACs at given ranks, the ranks of
 * a factorization and the rewrite.
 *
 * <ul>
 *   <li>{@link Factorization#GEMM_UV}: weight {@code [out, in]}; MACs {@code out in} before, {@code r (in + out)}
 *       after ({@link GemmFactorization}); full rank {@code [min(out, in)]}.</li>
 *   <li>Conv layouts: kernel {@code [out, in, kH, kW]}, input {@code H x W}, output {@code oH x oW}, MACs
 *       {@code out in kH kW oH oW} before; after and full ranks: {@link Factorization#CONV_TUCKER2}
 *       {@link ConvFactorization#tucker2Macs}, {@code [min(in, out kH kW), min(out, in kH kW)]};
 *       {@link Factorization#CONV_CP} {@link ConvFactorization#cpMacs}, {@code [min(in kH kW, out kH kW, out in)]};
 *       {@link Factorization#CONV_SEPARABLE} {@link ConvFactorization#separableMacs}, {@code [min(in kH, out kW)]}.
 *       </li>
 * </ul>
 *
 * @param layer  the layer
 * @param layout the decomposition's layout
 * @param weight the weight as the decomposition takes it
 * @param inHw   {@code [H, W]} of a conv's input ({@code [1, 1]} for a Gemm)
 * @param outHw  {@code [oH, oW]} of a conv's output ({@code [1, 1]} for a Gemm)
 */
record Candidate(WeightedLayer layer, String layout, INDArray weight, long[] inHw, long[] outHw) {
    /** The conv layouts, each with its number of factors. */
    static final Map<String, Integer> CONV_FACTORS = Map.of(Factorization.CONV_TUCKER2, 3, Factorization.CONV_CP, 4,
            Factorization.CONV_SEPARABLE, 2);

    /** True for a layout whose layers are convolutions. */
    static boolean conv(String layout) {
        return CONV_FACTORS.containsKey(layout);
    }

    /** The candidate for layer {@code l} of {@code graph} under {@code layout}; {@code shapes} from shape inference. */
    static Candidate of(ModelGraph graph, WeightedLayer l, String layout, Map<String, long[]> shapes) {
        if (conv(layout)) {
            long[] in = shapes.get(l.node().inputs().get(0));
            long[] out = shapes.get(l.node().output());
            return new Candidate(l, layout, ConvFactorization.weight(graph, l.node()), new long[] {in[2], in[3]},
                    new long[] {out[2], out[3]});
        }
        return new Candidate(l, layout, GemmFactorization.weight(graph, l.node()), new long[] {1, 1},
                new long[] {1, 1});
    }

    long[] shape() {
        return weight.shape();
    }

    /** MACs per sample of the layer as it is. */
    long before() {
        return Arrays.stream(weight.shape()).reduce(1, (a, b) -> a * b) * outHw[0] * outHw[1];
    }

    /** The largest rank of each factorized mode. */
    long[] full() {
        long[] s = weight.shape();
        return switch (layout) {
            case Factorization.CONV_TUCKER2 -> new long[] {Math.min(s[1], s[0] * s[2] * s[3]),
                Math.min(s[0], s[1] * s[2] * s[3])};
            case Factorization.CONV_CP -> new long[] {Math.min(Math.min(s[1] * s[2] * s[3], s[0] * s[2] * s[3]),
                s[0] * s[1])};
            case Factorization.CONV_SEPARABLE -> new long[] {Math.min(s[1] * s[2], s[0] * s[3])};
            default -> new long[] {Math.min(s[0], s[1])};
        };
    }

    /** MACs per sample of the factorized layer at these ranks. */
    long after(long[] ranks) {
        long[] s = weight.shape();
        return switch (layout) {
            case Factorization.CONV_TUCKER2 -> ConvFactorization.tucker2Macs(s, inHw[0] * inHw[1],
                    outHw[0] * outHw[1], ranks[0], ranks[1]);
            case Factorization.CONV_CP -> ConvFactorization.cpMacs(s, inHw, outHw, ranks[0]);
            case Factorization.CONV_SEPARABLE -> ConvFactorization.separableMacs(s, inHw, outHw, ranks[0]);
            default -> GemmFactorization.macsAfter(s[0], s[1], ranks[0]);
        };
    }

    /** The ranks of a factorization in this layout. */
    long[] ranks(Factorization f) {
        List<INDArray> x = f.factors();
        return switch (layout) {
            case Factorization.CONV_TUCKER2 -> new long[] {x.get(0).size(1), x.get(2).size(1)};
            case Factorization.CONV_CP -> new long[] {x.get(0).size(1)};
            default -> new long[] {x.get(0).size(0)}; // gemm-uv V [r, in]; separable V [K, in, kH, 1]
        };
    }

    /** How many factors the layout has. */
    int factorCount() {
        return CONV_FACTORS.getOrDefault(layout, 2);
    }

    /** {@code graph} with this layer replaced by its factors. */
    ModelGraph apply(ModelGraph graph, Factorization f) {
        List<INDArray> x = f.factors();
        String node = layer.node().name();
        return switch (layout) {
            case Factorization.CONV_TUCKER2 -> ConvFactorization.applyTucker2(graph, node, x.get(0), x.get(1), x.get(2));
            case Factorization.CONV_CP -> ConvFactorization.applyCp(graph, node, x.get(0), x.get(1), x.get(2), x.get(3));
            case Factorization.CONV_SEPARABLE -> ConvFactorization.applySeparable(graph, node, x.get(0), x.get(1));
            default -> GemmFactorization.apply(graph, node, x.get(0), x.get(1));
        };
    }
}
