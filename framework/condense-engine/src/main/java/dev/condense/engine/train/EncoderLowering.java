package dev.condense.engine.train;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.EncoderShapes;
import dev.condense.engine.graph.ShapeInference;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SameDiff lowering of the ops transformer encoders add (ONNX opset 13 semantics): Gather (embedding lookup; indices
 * must lie in {@code [0, n)}, ONNX's negative indices are not remapped), Unsqueeze (a static reshape), Cast (to
 * float32 or int64), ReduceMean, Pow, Sqrt and Erf. LayerNormalization arrives decomposed
 * ({@code ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add}) and GELU as {@code x * 0.5 * (1 + erf(x / sqrt 2))},
 * as PyTorch exports them at opset 11-13.
 */
final class EncoderLowering {

    private EncoderLowering() {
    }

    static SDVariable lower(LowerContext c, Node n, List<SDVariable> a) {
        SameDiff sd = c.sd();
        String name = n.output();
        int rank = c.shape(n.inputs().get(0)).length;
        return switch (n.opType()) {
            case "Gather" -> gather(c, n, a, rank);
            case "Unsqueeze" -> sd.reshape(name, a.get(0), TensorLowering.dynamicShape(c.shape(name)));
            case "Cast" -> a.get(0).castTo(name, castTarget(n));
            case "ReduceMean" -> sd.mean(name, a.get(0), n.intAttr("keepdims", 1) != 0,
                    EncoderShapes.reduceAxes(n.intsAttr("axes", null), rank));
            case "Pow" -> pow(c, n, a);
            case "Sqrt" -> sd.math.sqrt(name, a.get(0));
            case "Erf" -> sd.math.erf(name, a.get(0));
            default -> throw new IllegalArgumentException("not an encoder op: " + n.opType());
        };
    }

    /**
     * MatMul with numpy semantics, as libnd4j's matmul takes it: two rank-2 operands, or equal ranks (batched over
     * the leading axes, which must then be equal: shape inference broadcasts them, this lowering does not), or
     * {@code [..., M, K] x [K, N]} (a projection of a sequence by a weight), computed as {@code [prod, K] x [K, N]}
     * and reshaped back, the dynamic batch kept as the one {@code -1}.
     */
    static SDVariable matMul(LowerContext c, Node n, List<SDVariable> a) {
        long[] x = c.shape(n.inputs().get(0));
        long[] w = c.shape(n.inputs().get(1));
        SameDiff sd = c.sd();
        if (x.length == w.length) {
            for (int i = 0; i < x.length - 2; i++) {
                if (x[i] != w[i]) {
                    throw new IllegalArgumentException("MatMul node '" + n.name() + "': batch axes "
                            + java.util.Arrays.toString(x) + " and " + java.util.Arrays.toString(w)
                            + " differ; broadcasting batched MatMul cannot be lowered to SameDiff");
                }
            }
            return sd.mmul(n.output(), a.get(0), a.get(1));
        }
        if (w.length != 2 || x.length < 2) {
            throw new IllegalArgumentException("MatMul node '" + n.name() + "' of ranks " + x.length + " and " + w.length
                    + " cannot be lowered to SameDiff: only equal ranks or [..., K] x [K, N]");
        }
        SDVariable flat = sd.reshape(a.get(0), -1, x[x.length - 1]);
        return sd.reshape(n.output(), sd.mmul(flat, a.get(1)), TensorLowering.dynamicShape(c.shape(n.output())));
    }

    /**
     * Gather along axis 0 of a rank-2 float tensor (an embedding table) as an {@link EmbeddingGather}, which trains;
     * any other Gather as SameDiff's own op (inference only: its gradient cannot be built in ND4J 1.0.0-M2.1).
     */
    private static SDVariable gather(LowerContext c, Node n, List<SDVariable> a, int rank) {
        int axis = (int) ShapeInference.axis(n.intAttr("axis", 0), rank);
        if (axis == 0 && rank == 2 && a.get(0).dataType().isFPType()) {
            return EmbeddingGather.lookup(c.sd(), n.output(), a.get(0), a.get(1));
        }
        return c.sd().gather(n.output(), a.get(0), a.get(1), axis);
    }

    /** Cast's target as an IR type: INT64 (and INT32) as int64, everything else the importer admits as float32. */
    private static DataType castTarget(Node n) {
        long to = n.intAttr("to", 1);
        return to == onnx.Onnx.TensorProto.DataType.INT64_VALUE || to == onnx.Onnx.TensorProto.DataType.INT32_VALUE
                ? DataType.INT64 : DataType.FLOAT;
    }

    /** Pow by a constant scalar exponent as one scalar op; any other exponent elementwise. */
    private static SDVariable pow(LowerContext c, Node n, List<SDVariable> a) {
        INDArray e = c.consts().get(n.inputs().get(1));
        if (e != null && e.length() == 1 && c.shape(n.output()).length == c.shape(n.inputs().get(0)).length) {
            return c.sd().math.pow(n.output(), a.get(0), e.getDouble(0));
        }
        return c.sd().math.pow(n.output(), a.get(0), a.get(1));
    }
}
