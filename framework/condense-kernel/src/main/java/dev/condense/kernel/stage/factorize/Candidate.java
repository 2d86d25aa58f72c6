package dev.condense.kernel.stage.factorize;

import dev.condense.api.decomp.Factorization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.rewrite.ConvFactorization;
import dev.condense.engine.rewrite.GemmFactorization;
import java.util.Arrays;
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
 *   <li>{@link Factorization#CONV_TUCKER2}: kernel {@code [out, in, kH, kW]} with input pixels {@code H W} and output
 *       pixels {@code oH oW}; MACs {@code out in kH kW oH oW} before, {@link ConvFactorization#tucker2Macs} after;
 *       full ranks {@code [min(in, out kH kW), min(out, in kH kW)]}.</li>
 * </ul>
 *
 * @param layer     the layer
 * @param layout    the decomposition's layout
 * @param weight    the weight as the decomposition takes it
 * @param inPixels  {@code H W} of a conv's input (1 for a Gemm)
 * @param outPixels {@code oH oW} of a conv's output (1 for a Gemm)
 */
record Candidate(WeightedLayer layer, String layout, INDArray weight, long inPixels, long outPixels) {

    /** The candidate for layer {@code l} of {@code graph} under {@code layout}; {@code shapes} from shape inference. */
    static Candidate of(ModelGraph graph, WeightedLayer l, String layout, Map<String, long[]> shapes) {
        if (layout.equals(Factorization.CONV_TUCKER2)) {
            long[] in = shapes.get(l.node().inputs().get(0));
            long[] out = shapes.get(l.node().output());
            return new Candidate(l, layout, ConvFactorization.weight(graph, l.node()), in[2] * in[3], out[2] * out[3]);
        }
        return new Candidate(l, layout, GemmFactorization.weight(graph, l.node()), 1, 1);
    }

    long[] shape() {
        return weight.shape();
    }

    /** MACs per sample of the layer as it is. */
    long before() {
        return Arrays.stream(weight.shape()).reduce(1, (a, b) -> a * b) * outPixels;
    }

    /** The largest rank of each factorized mode. */
    long[] full() {
        long[] s = weight.shape();
        if (layout.equals(Factorization.CONV_TUCKER2)) {
            long kk = s[2] * s[3];
            return new long[] {Math.min(s[1], s[0] * kk), Math.min(s[0], s[1] * kk)};
        }
        return new long[] {Math.min(s[0], s[1])};
    }

    /** MACs per sample of the factorized layer at these ranks. */
    long after(long[] ranks) {
        long[] s = weight.shape();
        if (layout.equals(Factorization.CONV_TUCKER2)) {
            return ConvFactorization.tucker2Macs(s, inPixels, outPixels, ranks[0], ranks[1]);
        }
        return GemmFactorization.macsAfter(s[0], s[1], ranks[0]);
    }

    /** The ranks of a factorization in this layout. */
    long[] ranks(Factorization f) {
        if (layout.equals(Factorization.CONV_TUCKER2)) {
            return new long[] {f.factors().get(0).size(1), f.factors().get(2).size(1)};
        }
        return new long[] {f.factors().get(0).size(0)};
    }

    /** How many factors the layout has. */
    int factorCount() {
        return layout.equals(Factorization.CONV_TUCKER2) ? 3 : 2;
    }

    /** {@code graph} with this layer replaced by its factors. */
    ModelGraph apply(ModelGraph graph, Factorization f) {
        var x = f.factors();
        if (layout.equals(Factorization.CONV_TUCKER2)) {
            return ConvFactorization.applyTucker2(graph, layer.node().name(), x.get(0), x.get(1), x.get(2));
        }
        return GemmFactorization.apply(graph, layer.node().name(), x.get(0), x.get(1));
    }
}
