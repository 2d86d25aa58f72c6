package dev.condense.engine.train;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.onnx.SupportedOps;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * SameDiff lowering of each supported op (ONNX semantics, opset 13): elementwise and dense ops here, convolution
 * and pooling in {@link ConvLowering}, Resize and ConvTranspose in {@link UpsampleLowering}, normalization and dropout in {@link NormLowering}, data movement in
 * {@link TensorLowering}, the ops of transformer encoders in {@link EncoderLowering}. The SameDiff variable of a node is named after the node's first output.
 */
final class OpLowering {

    private OpLowering() {
    }

    static SDVariable lower(LowerContext c, Node n, List<SDVariable> a) {
        SameDiff sd = c.sd();
        String name = n.output();
        return switch (n.opType()) {
            case "Gemm" -> gemm(sd, n, a);
            case "MatMul" -> EncoderLowering.matMul(c, n, a);
            case "Add" -> a.get(0).add(name, a.get(1));
            case "Sub" -> a.get(0).sub(name, a.get(1));
            case "Mul" -> a.get(0).mul(name, a.get(1));
            case "Div" -> a.get(0).div(name, a.get(1));
            case "Relu" -> ReluOp.relu(sd, name, a.get(0));
            case "LeakyRelu" -> sd.nn.leakyRelu(name, a.get(0), n.floatAttr("alpha", 0.01));
            case "Sigmoid" -> sd.nn.sigmoid(name, a.get(0));
            case "Tanh" -> sd.math.tanh(name, a.get(0));
            case "Sign" -> sd.math.sign(name, a.get(0));
            case "Clip" -> clip(c, n, a);
            case "HardSigmoid" -> sd.math.clipByValue(name, a.get(0).mul(n.floatAttr("alpha", 0.2))
                    .add(n.floatAttr("beta", 0.5)), 0.0, 1.0);
            case "Identity" -> identity(name, a.get(0));
            case "Softmax" -> sd.nn.softmax(name, a.get(0), (int) ShapeInference.axis(n.intAttr("axis", -1),
                    c.shape(n.inputs().get(0)).length));
            case "LogSoftmax" -> logSoftmax(sd, name, a.get(0), (int) ShapeInference.axis(n.intAttr("axis", -1),
                    c.shape(n.inputs().get(0)).length));
            case "Exp" -> sd.math.exp(name, a.get(0));
            case "Log" -> sd.math.log(name, a.get(0));
            case "Conv" -> ConvLowering.conv(c, n, a);
            case "MaxPool", "AveragePool" -> ConvLowering.pool(c, n, a);
            case "ConvTranspose" -> UpsampleLowering.convTranspose(c, n, a);
            case "Resize" -> UpsampleLowering.resize(c, n, a);
            case "GlobalAveragePool" -> ConvLowering.globalAveragePool(c, n, a);
            case "BatchNormalization" -> NormLowering.batchNorm(c, n, a);
            case "Dropout" -> NormLowering.dropout(c, n, a);
            case "Flatten", "Reshape" -> sd.reshape(name, a.get(0), TensorLowering.dynamicShape(c.shape(name)));
            case "Squeeze" -> sd.reshape(name, a.get(0), TensorLowering.dynamicShape(c.shape(name)));
            case "Transpose", "Concat", "Pad", "Slice" -> TensorLowering.lower(c, n, a);
            case "Gather", "Unsqueeze", "Cast", "ReduceMean", "Pow", "Sqrt", "Erf" -> EncoderLowering.lower(c, n, a);
            default -> throw new IllegalArgumentException("op " + n.opType() + " (node '" + n.name()
                    + "') cannot be lowered to SameDiff; supported: " + SupportedOps.LOWERED);
        };
    }

    /**
     * LogSoftmax over {@code axis} from plain ops, {@code (x - max) - log sum exp(x - max)}, not SameDiff's
     * {@code LogSoftMax}: in ND4J 1.0.0-M2.1 that op, given a dimension, cannot be cloned when the gradient function
     * is built ("Error setting property for function ... LogSoftMax", {@code Integer.values()}), so a model with a
     * LogSoftmax head could run but not train. The max only shifts the rows (its gradient cancels).
     */
    static SDVariable logSoftmax(SameDiff sd, String name, SDVariable x, int axis) {
        SDVariable shifted = x.sub(sd.max(x, true, axis));
        return shifted.sub(name, sd.math.log(sd.sum(sd.math.exp(shifted), true, axis)));
    }

    /**
     * Identity as a copy ({@code x * 1}), not SameDiff's {@code identity} op. The session of ND4J 1.0.0-M2.1 passes
     * the input array through {@code identity} unchanged, and its array-use tracking ({@code DependencyMap}, in
     * {@code AbstractDependencyTracker.markSatisfied}) walks every user of an array each time one is done with it:
     * along a chain of n Identity nodes one array has n users, so each training step cost O(n^2) (2,000 nodes: 0.8 s
     * per step, 4,000: 36 s). A copy costs one elementwise pass and keeps the step linear; the value is the same.
     */
    static SDVariable identity(String name, SDVariable x) {
        return x.mul(name, 1.0);
    }

    private static SDVariable gemm(SameDiff sd, Node n, List<SDVariable> a) {
        boolean transA = n.intAttr("transA", 0) != 0;
        boolean transB = n.intAttr("transB", 0) != 0;
        double alpha = n.floatAttr("alpha", 1.0);
        double beta = n.floatAttr("beta", 1.0);
        SDVariable y = sd.mmul(a.get(0), a.get(1), transA, transB, false);
        if (alpha != 1.0) {
            y = y.mul(alpha);
        }
        if (a.size() > 2 && a.get(2) != null) {
            SDVariable c = beta == 1.0 ? a.get(2) : a.get(2).mul(beta);
            return y.add(n.output(), c);
        }
        return sd.identity(n.output(), y);
    }

    /**
     * Clip: bounds are the optional min/max inputs (opset 11+; the import turns opset-6 attributes into inputs);
     * an omitted bound is no bound. Bounds that are graph inputs rather than initializers clip elementwise with
     * max/min ops.
     */
    private static SDVariable clip(LowerContext c, Node n, List<SDVariable> a) {
        SDVariable lo = a.size() > 1 ? a.get(1) : null;
        SDVariable hi = a.size() > 2 ? a.get(2) : null;
        boolean constant = (lo == null || c.consts().containsKey(n.inputs().get(1)))
                && (hi == null || c.consts().containsKey(n.inputs().get(2)));
        if (constant) {
            double min = lo == null ? -Float.MAX_VALUE : c.consts().get(n.inputs().get(1)).getDouble(0);
            double max = hi == null ? Float.MAX_VALUE : c.consts().get(n.inputs().get(2)).getDouble(0);
            return c.sd().math.clipByValue(n.output(), a.get(0), min, max);
        }
        SDVariable y = lo == null ? a.get(0) : c.sd().math.max(a.get(0), lo);
        return hi == null ? c.sd().identity(n.output(), y) : c.sd().math.min(n.output(), y, hi);
    }
}
