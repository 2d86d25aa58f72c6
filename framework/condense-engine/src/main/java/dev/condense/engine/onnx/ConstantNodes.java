package dev.condense.engine.onnx;

import dev.condense.engine.text.Quote;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The value of an ONNX {@code Constant} node, which the importer stores as an initializer. Accepted attributes:
 * {@code value} (a FLOAT or INT64 tensor), {@code value_float} / {@code value_int} (scalars, shape {@code []}),
 * {@code value_floats} / {@code value_ints} (vectors, shape {@code [k]}), each of the attribute type ONNX gives it;
 * no input.
 */
final class ConstantNodes {

    /** The attribute type ONNX requires for each accepted attribute name. */
    private static final Map<String, AttributeProto.AttributeType> TYPES = Map.of(
            "value", AttributeProto.AttributeType.TENSOR, "value_float", AttributeProto.AttributeType.FLOAT,
            "value_int", AttributeProto.AttributeType.INT, "value_floats", AttributeProto.AttributeType.FLOATS,
            "value_ints", AttributeProto.AttributeType.INTS);

    private ConstantNodes() {
    }

    static INDArray value(NodeProto np, String where) {
        if (np.getAttributeCount() != 1 || np.getOutputCount() != 1 || np.getInputCount() != 0) {
            throw new OnnxFormatException(where + ": a Constant needs exactly one value attribute, one output and no "
                    + "input");
        }
        AttributeProto a = np.getAttribute(0);
        AttributeProto.AttributeType want = TYPES.get(a.getName());
        if (want != null && a.getType() != want) {
            throw new OnnxFormatException(where + ": Constant attribute '" + a.getName() + "' must be of type " + want
                    + ", got " + a.getType());
        }
        return switch (a.getName()) {
            case "value" -> OnnxTensors.fromProto(a.getT(), where + " value");
            case "value_float" -> Nd4j.scalar(a.getF());
            case "value_int" -> Nd4j.scalar(a.getI());
            case "value_floats" -> Nd4j.createFromArray(a.getFloatsList().toArray(new Float[0]));
            case "value_ints" -> Nd4j.createFromArray(a.getIntsList().toArray(new Long[0]));
            default -> throw new OnnxFormatException(where + ": Constant attribute '" + Quote.cut(a.getName())
                    + "' is not supported (value, value_float, value_floats, value_int, value_ints)");
        };
    }
}
