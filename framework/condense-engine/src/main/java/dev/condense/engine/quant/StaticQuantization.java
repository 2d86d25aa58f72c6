package dev.condense.engine.quant;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.graph.WeightedLayer;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Post-training static quantization of a graph whose activation ranges are calibrated: annotates each layer's weight
 * with its {@link WeightGrid} (the initializer replaced by its projection, so the IR holds exactly the values ONNX
 * Runtime will dequantize), each activation of the {@link QdqPlacement} with the {@link ActivationGrid} of its
 * source's range, and each quantized layer's bias with the int32 grid of input scale times weight scale (when the
 * layer's input is quantized). Float values of activations are not changed; the exporter writes the QDQ nodes.
 */
public final class StaticQuantization {

    private StaticQuantization() {
    }

    /** How weights are quantized. {@code perChannel}: along the output channel of each layer. */
    public record WeightOptions(int bits, boolean perChannel, boolean symmetric, boolean reduceRange) {
        public WeightOptions {
            if (bits < 2 || bits > 8) {
                throw new IllegalArgumentException("weight bits must be in [2, 8], was " + bits);
            }
        }
    }

    /** The grid of a layer's weight {@code w} (its float values): per-layer options, or a quantizer plugin. */
    @FunctionalInterface
    public interface Grids {
        AffineQuantization of(WeightedLayer layer, INDArray w);
    }

    /** Every layer's grid from {@code o}: {@link WeightGrid} along the layer's {@link #channelAxis}, or per tensor. */
    public static Grids grids(WeightOptions o) {
        return (l, w) -> WeightGrid.of(w, o.bits(), o.perChannel() ? channelAxis(l) : AffineQuantization.PER_TENSOR,
                o.symmetric(), o.reduceRange());
    }

    /**
     * @param ranges the clip range of every tensor of {@code placement.calibrated()}
     */
    public static ModelGraph apply(ModelGraph g, List<WeightedLayer> layers, QdqPlacement placement,
                                   Map<String, ClipRange> ranges, int activationBits, boolean activationSymmetric,
                                   WeightOptions weights) {
        return apply(g, layers, placement, ranges, activationBits, activationSymmetric, grids(weights));
    }

    /** As {@link #apply(ModelGraph, List, QdqPlacement, Map, int, boolean, WeightOptions)}, each weight's grid from {@code grids}. */
    public static ModelGraph apply(ModelGraph g, List<WeightedLayer> layers, QdqPlacement placement,
                                   Map<String, ClipRange> ranges, int activationBits, boolean activationSymmetric,
                                   Grids grids) {
        ModelGraph.Builder b = g.toBuilder();
        for (String t : placement.tensors()) {
            ClipRange r = ranges.get(placement.source(t));
            if (r == null) {
                throw new IllegalArgumentException("no calibrated range for activation '" + placement.source(t) + "'");
            }
            b.quantizeActivation(t, ActivationGrid.of(r, activationBits, activationSymmetric));
        }
        ModelGraph withActivations = b.build();
        for (WeightedLayer l : layers) {
            AffineQuantization wq = quantizeWeight(b, g, l, grids);
            ActivationQuantization in = withActivations.activationQuantization().get(l.node().inputs().get(0));
            if (l.bias() != null && in != null) {
                INDArray bias = g.initializers().get(l.bias());
                AffineQuantization bq = WeightGrid.bias(in.affine().scale().getFloat(0), wq, bias.length());
                b.initializer(l.bias(), bq.project(bias));
                b.annotate(l.bias(), bq);
            }
        }
        return b.build();
    }

    /**
     * {@code g} with the weights of {@code layers} projected and annotated as {@link #apply} does it, and nothing
     * else (no activation or bias grids: those need calibration): what a plan can predict of a static quantization,
     * i.e. which layers will be quantized.
     */
    public static ModelGraph weightsOnly(ModelGraph g, List<WeightedLayer> layers, Grids grids) {
        ModelGraph.Builder b = g.toBuilder();
        layers.forEach(l -> quantizeWeight(b, g, l, grids));
        return b.build();
    }

    /** Annotates and projects the weight of {@code l}; returns its grid. */
    static AffineQuantization quantizeWeight(ModelGraph.Builder b, ModelGraph g, WeightedLayer l, Grids grids) {
        INDArray w = g.initializers().get(l.source());
        AffineQuantization q = grids.of(l, w);
        b.initializer(l.source(), q.project(w));
        b.annotate(l.source(), q);
        return q;
    }

    /** The output-channel axis of a layer's weight: 0 for Conv and Gemm with transB, 1 for MatMul and plain Gemm. */
    public static int channelAxis(WeightedLayer l) {
        return switch (l.kind()) {
            case CONV -> 0;
            case GEMM -> l.node().intAttr("transB", 0) == 1 ? 0 : 1;
            case MATMUL -> 1;
            case CONV_TRANSPOSE -> throw new IllegalArgumentException("ConvTranspose weights are not quantized");
        };
    }
}
