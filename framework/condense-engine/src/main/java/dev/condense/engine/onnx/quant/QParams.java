package dev.condense.engine.onnx.quant;

import java.util.Arrays;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * The quantization parameters of a QuantizeLinear or DequantizeLinear node, read from its initializers:
 * {@code real = (q - zeroPoint) * scale}.
 *
 * @param scaleName the scale initializer
 * @param zeroPointName the zero point initializer, "" when the node has none (then 0 of type UINT8, as ONNX says)
 * @param scale {@code [1]} per tensor, {@code [C]} per channel along {@code axis}
 * @param zeroPoint as {@code scale}
 * @param type the ONNX integer type of the quantized tensor (INT8, UINT8 or INT32)
 * @param axis the channel axis (ONNX default 1), meaningful per channel only
 * @param perTensor whether the scale is a scalar (or a single value)
 */
record QParams(String scaleName, String zeroPointName, float[] scale, int[] zeroPoint, int type, long axis,
               boolean perTensor) {

    /** The parameters of {@code n}; a scale or zero point that is not an initializer is an IllegalArgumentException. */
    static QParams of(NodeProto n, Map<String, TensorProto> initializers) {
        TensorProto s = initializers.get(n.getInput(1));
        if (s == null) {
            throw new IllegalArgumentException("node '" + n.getName() + "' (" + n.getOpType()
                    + ") reads its scale from a runtime tensor; the integer-only export needs constant scales");
        }
        String zpName = n.getInputCount() > 2 ? n.getInput(2) : "";
        TensorProto z = zpName.isEmpty() ? null : initializers.get(zpName);
        if (!zpName.isEmpty() && z == null) {
            throw new IllegalArgumentException("node '" + n.getName() + "' (" + n.getOpType()
                    + ") reads its zero point from a runtime tensor; the integer-only export needs constant zero points");
        }
        float[] scale = QTensors.floats(s);
        int[] zp = z == null ? new int[scale.length] : QTensors.ints(z);
        int type = z == null ? TensorProto.DataType.UINT8_VALUE : z.getDataType();
        long axis = 1;
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("axis")) {
                axis = a.getI();
            }
        }
        return new QParams(n.getInput(1), zpName, scale, zp, type, axis, s.getDimsCount() == 0 || scale.length == 1);
    }

    /** Whether {@code o} maps integers to the same reals: both per tensor, same type, same scale bits and zero point. */
    boolean sameAs(QParams o) {
        return perTensor && o.perTensor && type == o.type && Float.floatToIntBits(scale[0]) == Float.floatToIntBits(o.scale[0])
                && zeroPoint[0] == o.zeroPoint[0];
    }

    /** Per-channel scale {@code c} (the one scale when per tensor). */
    float scale(int c) {
        return scale[perTensor ? 0 : c];
    }

    @Override
    public String toString() {
        return "scale " + Arrays.toString(scale) + " zero point " + Arrays.toString(zeroPoint);
    }
}
