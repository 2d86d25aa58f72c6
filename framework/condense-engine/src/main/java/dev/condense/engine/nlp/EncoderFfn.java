package dev.condense.engine.nlp;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Narrows the feed-forward block of every transformer layer of a BERT-style encoder to its first {@code width}
 * intermediate units: {@code /intermediate/dense/MatMul}'s weight {@code [H, I] -> [H, width]}, the bias added by
 * {@code /intermediate/dense/Add} {@code [I] -> [width]}, and {@code /output/dense/MatMul}'s weight
 * {@code [I, H] -> [width, H]} (node names as PyTorch exports HuggingFace BERT; not the attention's
 * {@code /attention/output/dense}). The other weights are untouched, so the narrowed encoder starts from the
 * teacher's weights where the shapes allow; with {@code width = I} it is the encoder unchanged.
 *
 * <p>Removing intermediate units is structured pruning of the FFN (as in Michel et al. 2019's and McCarley's
 * structured BERT pruning; here the first units are kept, not the most important ones: the student is trained
 * afterwards). Per token and layer the FFN costs {@code 2 H I} multiply-adds of the layer's
 * {@code 4 H^2 + 2 H I + 2 L H}.
 */
public final class EncoderFfn {
    private static final String IN_MATMUL = "/intermediate/dense/MatMul";
    private static final String IN_ADD = "/intermediate/dense/Add";
    private static final String OUT_MATMUL = "/output/dense/MatMul";

    private EncoderFfn() {
    }

    /** The intermediate size of {@code g}'s first layer (from its {@code /intermediate/dense/MatMul} weight). */
    public static long width(ModelGraph g) {
        for (Node n : g.nodes()) {
            if (n.name().endsWith(IN_MATMUL)) {
                return weight(g, n).shape()[1];
            }
        }
        throw new IllegalArgumentException("graph '" + g.name() + "' has no node named .../intermediate/dense/MatMul");
    }

    /**
     * {@code g} with every layer's FFN cut to its first {@code width} units.
     *
     * @throws IllegalArgumentException if {@code width} is not in {@code [1, I]} or a layer's FFN is not found
     */
    public static ModelGraph narrow(ModelGraph g, long width) {
        long full = width(g);
        if (width < 1 || width > full) {
            throw new IllegalArgumentException("intermediate size must be in [1, " + full + "], was " + width);
        }
        ModelGraph.Builder b = g.toBuilder();
        int layers = 0;
        for (Node n : g.nodes()) {
            if (n.name().endsWith(IN_MATMUL)) {
                cut(b, g, n, 1, width);
                layers++;
            } else if (n.name().endsWith(IN_ADD)) {
                String bias = n.inputs().stream().filter(t -> g.initializers().containsKey(t)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(n.name() + " adds no initializer bias"));
                b.initializer(bias, g.initializers().get(bias).get(NDArrayIndex.interval(0, width)).dup());
            } else if (n.name().endsWith(OUT_MATMUL) && !n.name().contains("/attention/")) {
                cut(b, g, n, 0, width);
            }
        }
        if (layers == 0) {
            throw new IllegalArgumentException("graph '" + g.name() + "' has no FFN to narrow");
        }
        return b.build();
    }

    private static void cut(ModelGraph.Builder b, ModelGraph g, Node matmul, int axis, long width) {
        INDArray w = weight(g, matmul);
        if (w.rank() != 2) {
            throw new IllegalArgumentException(matmul.name() + " weight is " + Arrays.toString(w.shape()) + ", not 2-D");
        }
        INDArray cut = axis == 1 ? w.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width))
                : w.get(NDArrayIndex.interval(0, width), NDArrayIndex.all());
        b.initializer(matmul.inputs().get(1), cut.dup());
    }

    private static INDArray weight(ModelGraph g, Node matmul) {
        INDArray w = g.initializers().get(matmul.inputs().get(1));
        if (w == null) {
            throw new IllegalArgumentException(matmul.name() + " multiplies by no initializer");
        }
        return w;
    }
}
