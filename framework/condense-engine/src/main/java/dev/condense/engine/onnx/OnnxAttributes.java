package dev.condense.engine.onnx;

import dev.condense.engine.text.Quote;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Conversion between {@link dev.condense.api.model.Node} attribute values and ONNX {@code AttributeProto}s:
 * {@code Long <-> INT}, {@code Double <-> FLOAT}, {@code String <-> STRING} (UTF-8), {@code long[] <-> INTS},
 * {@code double[] <-> FLOATS}, {@code String[] <-> STRINGS}. ONNX floats are 32-bit, so a Double loses precision
 * beyond float32 on export. TENSOR attributes are handled by the importer itself (Constant only).
 */
final class OnnxAttributes {

    private OnnxAttributes() {
    }

    /** {@code value} as an attribute named {@code name}; other Java types are rejected. */
    static AttributeProto toProto(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (value instanceof Long v) {
            a.setType(AttributeType.INT).setI(v);
        } else if (value instanceof Integer v) {
            a.setType(AttributeType.INT).setI(v.longValue());
        } else if (value instanceof Double v) {
            a.setType(AttributeType.FLOAT).setF(v.floatValue());
        } else if (value instanceof Float v) {
            a.setType(AttributeType.FLOAT).setF(v);
        } else if (value instanceof String v) {
            a.setType(AttributeType.STRING).setS(ByteString.copyFromUtf8(v));
        } else if (value instanceof long[] v) {
            a.setType(AttributeType.INTS);
            Arrays.stream(v).forEach(a::addInts);
        } else if (value instanceof double[] v) {
            a.setType(AttributeType.FLOATS);
            Arrays.stream(v).forEach(d -> a.addFloats((float) d));
        } else if (value instanceof String[] v) {
            a.setType(AttributeType.STRINGS);
            Arrays.stream(v).forEach(s -> a.addStrings(ByteString.copyFromUtf8(s)));
        } else {
            throw new IllegalArgumentException("attribute '" + name + "' has unsupported value type "
                    + (value == null ? "null" : value.getClass().getSimpleName())
                    + "; expected Long, Double, String, long[], double[] or String[]");
        }
        return a.build();
    }

    /** The Java value of {@code a}; {@code where} names file and node for the error message. */
    static Object fromProto(AttributeProto a, String where) {
        return switch (a.getType()) {
            case INT -> a.getI();
            case FLOAT -> (double) a.getF();
            case STRING -> a.getS().toString(StandardCharsets.UTF_8);
            case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            case FLOATS -> a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
            case STRINGS -> a.getStringsList().stream().map(s -> s.toString(StandardCharsets.UTF_8)).toArray(String[]::new);
            default -> throw new OnnxFormatException(where + ": attribute '" + Quote.cut(a.getName()) + "' has type " + a.getType()
                    + ", which Condense does not support (INT, FLOAT, STRING, INTS, FLOATS, STRINGS)");
        };
    }
}
