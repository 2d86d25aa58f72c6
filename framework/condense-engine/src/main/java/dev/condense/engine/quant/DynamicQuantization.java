package dev.condense.engine.quant;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import java.util.List;

/**
 * Post-training dynamic quantization: the weights of Gemm and MatMul layers get their {@link WeightGrid} (values
 * projected), and each such layer's activation input is marked {@link ActivationQuantization#dynamic}: ONNX Runtime
 * quantizes it to uint8 on every call from that call's own range, and multiplies in integers (the exporter writes
 * DynamicQuantizeLinear + MatMulInteger). No calibration; biases stay float (added after the integer product).
 * Conv layers are left float (dynamic quantization is for MLPs and transformers).
 */
public final class DynamicQuantization {

    private DynamicQuantization() {
    }

    /** The layers dynamic mode quantizes: Gemm (alpha = beta = 1, transA = 0) and MatMul with a rank-2 weight. */
    public static List<WeightedLayer> eligible(ModelGraph g, List<WeightedLayer> layers) {
        return layers.stream().filter(l -> switch (l.kind()) {
            case GEMM -> l.node().floatAttr("alpha", 1) == 1 && l.node().floatAttr("beta", 1) == 1
                    && l.node().intAttr("transA", 0) == 0;
            case MATMUL -> true;
            default -> false;
        }).filter(l -> g.initializers().get(l.source()).rank() == 2).toList();
    }

    public static ModelGraph apply(ModelGraph g, List<WeightedLayer> layers, StaticQuantization.WeightOptions w) {
        return apply(g, layers, StaticQuantization.grids(w));
    }

    /** As {@link #apply(ModelGraph, List, StaticQuantization.WeightOptions)}, each weight's grid from {@code grids}. */
    public static ModelGraph apply(ModelGraph g, List<WeightedLayer> layers, StaticQuantization.Grids grids) {
        ModelGraph.Builder b = g.toBuilder();
        for (WeightedLayer l : eligible(g, layers)) {
            StaticQuantization.quantizeWeight(b, g, l, grids);
            b.quantizeActivation(l.node().inputs().get(0), ActivationQuantization.dynamic());
        }
        return b.build();
    }
}
