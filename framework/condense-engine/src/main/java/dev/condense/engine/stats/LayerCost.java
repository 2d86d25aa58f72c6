package dev.condense.engine.stats;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multiply-accumulate counts per sample of the weighted layers of a graph ({@link WeightedLayers#of}: Gemm, MatMul,
 * Conv, ConvTranspose, quantized weights included), from the shapes inferred over the IR. A MAC is one multiply and one add; biases, activations and pooling are not counted (they
 * are a small fraction and the papers this project compares against count the same way).
 *
 * <ul>
 *   <li>Gemm / MatMul with a weight {@code [out, in]} (or {@code [in, out]}): {@code in * out} per sample.</li>
 *   <li>Conv with weight {@code [outC, inC/g, kH, kW]} and output {@code [N, outC, oH, oW]}:
 *       {@code outC * inC/g * kH * kW * oH * oW} per sample.</li>
 *   <li>ConvTranspose with weight {@code [inC, outC, kH, kW]} and input {@code [N, inC, H, W]}: every input pixel
 *       meets the whole kernel, {@code inC * outC * kH * kW * H * W} per sample.</li>
 * </ul>
 *
 * @param node    the node's name
 * @param opType  Gemm, MatMul, Conv or ConvTranspose
 * @param weight  the initializer storing the weight ({@link WeightedLayer#source})
 * @param shape   the weight's shape
 * @param macs    MACs per sample
 */
public record LayerCost(String node, String opType, String weight, long[] shape, long macs) {

    /** Cost of every weighted layer of {@code g}, in graph order. */
    public static List<LayerCost> of(ModelGraph g) {
        Map<String, long[]> shapes = ShapeInference.infer(g);
        List<LayerCost> out = new ArrayList<>();
        for (WeightedLayer l : WeightedLayers.of(g)) {
            Node n = l.node();
            INDArray w = g.initializers().get(l.source());
            long macs = w.length();
            if (l.kind() == WeightedLayer.Kind.CONV) {
                long[] y = shapes.get(n.output());
                macs = w.length() * y[2] * y[3];
            } else if (l.kind() == WeightedLayer.Kind.CONV_TRANSPOSE) {
                long[] x = shapes.get(n.inputs().get(0));
                macs = w.length() * x[2] * x[3];
            }
            out.add(new LayerCost(n.name(), n.opType(), l.source(), w.shape(), macs));
        }
        return out;
    }

    /** Total MACs per sample of {@code g}'s weighted layers. */
    public static long total(ModelGraph g) {
        return of(g).stream().mapToLong(LayerCost::macs).sum();
    }
}
