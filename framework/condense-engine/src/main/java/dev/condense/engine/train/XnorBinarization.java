package dev.condense.engine.train;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Training with binary weights and binary activations, as XNOR-Net (Rastegari et al. 2016, "XNOR-Net: ImageNet
 * Classification Using Binary Convolutional Neural Networks", ECCV): the forward pass reads each named weight
 * {@code W [outC, ...]} as {@code alpha * sign(W)} with one scale per output channel,
 * {@code alpha_c = mean(|W_c|)} (the paper's optimal scale, section 3.1), and each named activation {@code x} as
 * {@code sign(x)}; gradients reach the real-valued weights and activations through the straight-through estimator
 * of the paper (and of Hubara et al. 2016): the gradient of {@code hardtanh}, i.e. passed where {@code |v| <= 1} and
 * zero elsewhere. The optimizer keeps updating the real-valued weights; the binarized values are what the export
 * writes (a stage projects the trained weights and inserts {@code Sign} before the binarized layers).
 *
 * <p>Simplification, stated: the paper's per-position activation scale {@code K} (mean |x| over channels) is not
 * applied; the activations are plain signs (as in its "BWN + binary inputs without K" ablation and in BNN).
 * {@code sign(0) = 0}, so an exact zero stays zero.
 */
public final class XnorBinarization implements TrainingHook {
    private final Set<String> weights;
    private final Set<String> activations;

    /**
     * @param weights     trainable weights to binarize (Conv {@code [outC, inC, kH, kW]} or Gemm/MatMul weights;
     *                    the scale is per index of axis 0)
     * @param activations activation tensors to binarize (graph inputs or node outputs), e.g. the inputs of the
     *                    binarized layers except the first
     */
    public XnorBinarization(Set<String> weights, Set<String> activations) {
        this.weights = Set.copyOf(weights);
        this.activations = Set.copyOf(activations);
    }

    @Override
    public void lower(Lowering lowering) {
        for (String w : weights) {
            int rank = lowering.graph().initializers().get(w).rank();
            lowering.view(w, (sd, name, v) -> straightThrough(sd, v, binaryWeight(sd, v, rank)));
        }
        for (String a : activations) {
            lowering.activation(a, (sd, name, x) -> straightThrough(sd, x, sd.math.sign(x)));
        }
    }

    /** {@code mean(|W_c|) * sign(W)} per index {@code c} of axis 0, for a weight of rank {@code rank} (2 to 5). */
    static SDVariable binaryWeight(SameDiff sd, SDVariable w, int rank) {
        int[] rest = IntStream.range(1, rank).toArray();
        SDVariable alpha = sd.math.abs(w).mean(true, rest);          // [outC, 1, ...]
        return sd.math.sign(w).mul(alpha);
    }

    /** Forward {@code b}; backward the gradient of {@code hardtanh(v)}: passed where {@code |v| <= 1}. */
    static SDVariable straightThrough(SameDiff sd, SDVariable v, SDVariable b) {
        SDVariable clipped = sd.nn.hardTanh(v);
        SDVariable zero = clipped.sub(stop(sd, clipped));
        return stop(sd, b).add(zero);
    }

    private static SDVariable stop(SameDiff sd, SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }

}
