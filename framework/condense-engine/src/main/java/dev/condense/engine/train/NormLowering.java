package dev.condense.engine.train;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.ShapeInference;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.random.custom.DistributionUniform;

/**
 * SameDiff lowering of BatchNormalization (Ioffe &amp; Szegedy 2015) and Dropout (Srivastava et al. 2014), whose
 * behaviour depends on the mode.
 *
 * <p>BatchNormalization {@code y = (x - mu) * scale / sqrt(var + epsilon) + bias}, per channel (axis 1), with
 * {@code [C]} parameters broadcast as {@code [1, C, 1, ...]}. Inference uses the running mean/var inputs; training
 * uses the batch mean and biased variance over all axes but 1 through libnd4j's fused ops ({@link BatchNormOps}:
 * {@code moments}, {@code batchnorm}, and {@code batchnorm_bp} whose input gradient includes the paths through the
 * batch statistics) and registers a
 * {@link BatchNormStats} so the trainer can update the running statistics with ONNX's momentum rule.
 *
 * <p>Dropout is the identity at inference; in training it is inverted dropout: zero with probability
 * {@code ratio} (attribute before opset 12, input 1 after; default 0.5) and scale survivors by
 * {@code 1 / (1 - ratio)}, drawing from ND4J's global RNG (seed it for reproducibility). The keep mask is
 * {@code U(0,1) >= ratio} from a uniform op shaped like the input at run time: ND4J's own dropout ops compute
 * their output shape from the placeholder's declared {@code -1} batch and fail.
 */
final class NormLowering {

    private NormLowering() {
    }

    static SDVariable batchNorm(LowerContext c, Node n, List<SDVariable> a) {
        SameDiff sd = c.sd();
        String name = n.output();
        long[] x = c.shape(n.inputs().get(0));
        long[] b = new long[x.length];
        java.util.Arrays.fill(b, 1);
        b[1] = c.shape(n.inputs().get(1))[0];
        double eps = n.floatAttr("epsilon", 1e-5);
        if (c.training()) {
            SDVariable[] t = BatchNormOps.training(sd, name, a.get(0), a.get(1), a.get(2), x.length, eps);
            c.bnStats().add(new BatchNormStats(n.inputs().get(3), n.inputs().get(4), t[1].name(), t[2].name(),
                    n.floatAttr("momentum", 0.9)));
            return t[0];
        }
        SDVariable mean = a.get(3);
        SDVariable var = a.get(4);
        SDVariable inv = a.get(1).div(sd.math.sqrt(var.add(eps)));
        SDVariable shift = a.get(2).sub(mean.mul(inv));
        return a.get(0).mul(sd.reshape(inv, b)).add(name, sd.reshape(shift, b));
    }

    static SDVariable dropout(LowerContext c, Node n, List<SDVariable> a) {
        if (!c.training()) {
            return OpLowering.identity(n.output(), a.get(0));
        }
        double ratio = n.inputs().size() > 1 && !n.inputs().get(1).isEmpty()
                ? ShapeInference.constant(n, 1, c.consts()).getDouble(0) : n.floatAttr("ratio", 0.5);
        SameDiff sd = c.sd();
        SDVariable u = new DistributionUniform(sd, sd.shape(a.get(0)), 0, 1, DataType.FLOAT).outputVariable();
        SDVariable keep = u.gte(ratio).castTo(DataType.FLOAT);
        return a.get(0).mul(keep).mul(n.output(), 1 / (1 - ratio));
    }
}
