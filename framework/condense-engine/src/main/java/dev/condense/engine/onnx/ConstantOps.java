package dev.condense.engine.onnx;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.SliceSpec;
import dev.condense.engine.text.Quote;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Import-time evaluation of Cast, Slice, Squeeze and Concat nodes whose inputs are all initializers (exporters emit them
 * for constants, e.g. PyTorch's {@code torch.tensor(...).float()}), so the IR stores the result as an initializer.
 *
 * <p>Cast: {@code to} FLOAT or DOUBLE gives a float32 array, INT64 or INT32 an int64 array (the IR holds FLOAT and
 * INT64 tensors only; an INT32 result read as a shape is the same value). Slice and Squeeze follow
 * {@link SliceSpec}; Concat joins same-rank, same-type constants (e.g. the scales PyTorch builds for Resize).
 */
final class ConstantOps {
    /** Op types this class evaluates. */
    static final Set<String> OPS = Set.of("Cast", "Slice", "Squeeze", "Concat");

    private ConstantOps() {
    }

    /** True when {@code n} is one of {@link #OPS} and every input it names is an initializer. */
    static boolean foldable(Node n, Map<String, INDArray> inits) {
        return OPS.contains(n.opType()) && n.inputs().stream().allMatch(i -> i.isEmpty() || inits.containsKey(i));
    }

    /** The value of {@code n}'s output; {@code n} must be {@link #foldable}. */
    static INDArray evaluate(Node n, Map<String, INDArray> inits) {
        INDArray x = inits.get(n.inputs().get(0));
        return switch (n.opType()) {
            case "Cast" -> x.castTo(castTarget(n));
            case "Squeeze" -> x.reshape(SliceSpec.squeeze(n, x.shape(), inits)).dup();
            case "Slice" -> slice(n, x, inits);
            case "Concat" -> concat(n, inits);
            default -> throw new IllegalArgumentException("not a constant op: " + n.opType());
        };
    }

    /** The IR data type of Cast's {@code to}. */
    static DataType castTarget(Node n) {
        long to = n.intAttr("to", -1);
        if (to == TensorProto.DataType.FLOAT_VALUE || to == TensorProto.DataType.DOUBLE_VALUE) {
            return DataType.FLOAT;
        }
        if (to == TensorProto.DataType.INT64_VALUE || to == TensorProto.DataType.INT32_VALUE) {
            return DataType.INT64;
        }
        TensorProto.DataType t = TensorProto.DataType.forNumber((int) to);
        throw new IllegalArgumentException("Cast node '" + Quote.cut(n.name()) + "' casts to " + (t == null ? "type " + to : t)
                + "; supported targets: FLOAT, DOUBLE (as FLOAT), INT64, INT32 (as INT64)");
    }

    private static INDArray concat(Node n, Map<String, INDArray> inits) {
        INDArray[] parts = n.inputs().stream().map(inits::get).toArray(INDArray[]::new);
        int rank = parts[0].rank();
        if (rank == 0 || java.util.Arrays.stream(parts).anyMatch(p -> p.rank() != rank || p.dataType() != parts[0].dataType())) {
            throw new IllegalArgumentException("Concat node '" + Quote.cut(n.name()) + "' joins constants of different ranks or "
                    + "types, or scalars");
        }
        int axis = (int) dev.condense.engine.graph.ShapeInference.axis(n.intAttr("axis", 0), rank);
        return Nd4j.concat(axis, parts);
    }

    private static INDArray slice(Node n, INDArray x, Map<String, INDArray> inits) {
        SliceSpec s = SliceSpec.of(n, x.shape(), inits);
        INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
        long[] out = s.shape(x.shape());
        for (int a = 0; a < idx.length; a++) {
            idx[a] = out[a] == 0 ? NDArrayIndex.interval(0, 0) : NDArrayIndex.interval(s.begin()[a], s.step()[a], s.end()[a]);
        }
        if (java.util.Arrays.stream(out).anyMatch(d -> d == 0)) {
            return Nd4j.create(x.dataType(), out);
        }
        return x.get(idx).dup('c').reshape(out);
    }
}
