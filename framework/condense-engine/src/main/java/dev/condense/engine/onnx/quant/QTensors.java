package dev.condense.engine.onnx.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx.TensorProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * The few tensor codecs the QDQ rewrites need, on ONNX {@code TensorProto}s directly: FLOAT values (scales, biases),
 * INT8/UINT8/INT32 values (zero points, quantized weights and biases) as Java arrays, and small integer tensors
 * written back as little-endian {@code raw_data}.
 */
final class QTensors {
    private QTensors() {
    }

    /** The float values of a FLOAT tensor (raw or {@code float_data}), in row-major order. */
    static float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is "
                    + TensorProto.DataType.forNumber(t.getDataType()) + ", not FLOAT");
        }
        if (t.getRawData().isEmpty()) {
            float[] f = new float[t.getFloatDataCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = t.getFloatData(i);
            }
            return f;
        }
        float[] f = new float[t.getRawData().size() / Float.BYTES];
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** The values of an INT8, UINT8 or INT32 tensor as ints (uint8 as 0-255). */
    static int[] ints(TensorProto t) {
        int type = t.getDataType();
        int width = type == TensorProto.DataType.INT32_VALUE ? 4 : 1;
        if (type != TensorProto.DataType.INT8_VALUE && type != TensorProto.DataType.UINT8_VALUE && width != 4) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is "
                    + TensorProto.DataType.forNumber(type) + ", not INT8, UINT8 or INT32");
        }
        if (t.getRawData().isEmpty()) {
            int[] v = new int[t.getInt32DataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getInt32Data(i);
            }
            return v;
        }
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[t.getRawData().size() / width];
        for (int i = 0; i < v.length; i++) {
            v[i] = width == 4 ? b.getInt() : type == TensorProto.DataType.INT8_VALUE ? b.get() : b.get() & 0xff;
        }
        return v;
    }

    /** An INT32 tensor {@code name} of shape {@code dims} holding {@code values}. */
    static TensorProto int32(String name, long[] dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return build(name, dims, TensorProto.DataType.INT32_VALUE, b.array());
    }

    /** An INT8 or UINT8 ({@code type}) tensor {@code name} of shape {@code dims} holding {@code values}. */
    static TensorProto bytes(String name, long[] dims, int type, int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return build(name, dims, type, b);
    }

    /** An INT64 tensor {@code name} of shape {@code [values.length]} (Slice and Pad arguments). */
    static TensorProto int64(String name, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return build(name, new long[] {values.length}, TensorProto.DataType.INT64_VALUE, b.array());
    }

    /** A FLOAT tensor {@code name} of shape {@code dims} holding {@code values}. */
    static TensorProto float32(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return build(name, dims, TensorProto.DataType.FLOAT_VALUE, b.array());
    }

    private static TensorProto build(String name, long[] dims, int type, byte[] raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** The smallest value of an integer ONNX type: -128 for INT8, 0 for UINT8, Integer.MIN_VALUE for INT32. */
    static int qmin(int type) {
        return type == TensorProto.DataType.INT8_VALUE ? -128 : type == TensorProto.DataType.UINT8_VALUE ? 0
                : Integer.MIN_VALUE;
    }

    /** The largest value of an integer ONNX type. */
    static int qmax(int type) {
        return type == TensorProto.DataType.INT8_VALUE ? 127 : type == TensorProto.DataType.UINT8_VALUE ? 255
                : Integer.MAX_VALUE;
    }
}
