package dev.condense.engine.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Conversion between ND4J arrays and ONNX {@code TensorProto}s.
 *
 * <p>Export writes C-order, little-endian {@code raw_data} with the array's real element type: FLOAT16 for half
 * arrays, INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64 and BOOL as they are; float32 and float64 arrays
 * are written as FLOAT (the IR is float32; a float64 array is narrowed). Import reads FLOAT and INT64 tensors
 * ({@link #fromProto}) and, for weights stored quantized, INT8, UINT8 and INT32 ones ({@link #integers}), from
 * {@code raw_data} or from the typed repeated fields ({@code float_data}, {@code int64_data}, {@code int32_data}) and
 * checks that the element count matches the dims before allocating, so a hostile header cannot trigger a huge
 * allocation.
 */
final class OnnxTensors {

    private OnnxTensors() {
    }

    /**
     * {@code value} as a named initializer of its real element type (float64 and bfloat16 as FLOAT; see the class
     * comment); other types (UTF8, compressed) are refused.
     */
    static TensorProto toProto(String name, INDArray value) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name);
        for (long d : value.shape()) {
            t.addDims(d);
        }
        DataType type = value.dataType();
        INDArray c = value.dup('c');
        int n = (int) c.length();
        ByteBuffer buf;
        TensorProto.DataType onnx;
        switch (type) {
            case FLOAT, DOUBLE, BFLOAT16 -> {
                onnx = TensorProto.DataType.FLOAT;
                buf = bytes(Float.BYTES, n);
                buf.asFloatBuffer().put(c.castTo(DataType.FLOAT).data().asFloat());
            }
            case HALF -> {
                onnx = TensorProto.DataType.FLOAT16;
                buf = bytes(Short.BYTES, n);
                for (float f : c.data().asFloat()) {
                    buf.putShort(Half.bits(f));
                }
            }
            case BYTE, UBYTE, BOOL -> { // DataType.INT8 and UINT8 are aliases of BYTE and UBYTE
                onnx = type == DataType.INT8 ? TensorProto.DataType.INT8
                        : type == DataType.UINT8 ? TensorProto.DataType.UINT8 : TensorProto.DataType.BOOL;
                buf = bytes(Byte.BYTES, n);
                for (long v : c.castTo(DataType.INT64).data().asLong()) {
                    buf.put((byte) v);
                }
            }
            case SHORT, UINT16 -> {
                onnx = type == DataType.INT16 ? TensorProto.DataType.INT16 : TensorProto.DataType.UINT16;
                buf = bytes(Short.BYTES, n);
                for (long v : c.castTo(DataType.INT64).data().asLong()) {
                    buf.putShort((short) v);
                }
            }
            case INT, UINT32 -> {
                onnx = type == DataType.INT32 ? TensorProto.DataType.INT32 : TensorProto.DataType.UINT32;
                buf = bytes(Integer.BYTES, n);
                for (long v : c.castTo(DataType.INT64).data().asLong()) {
                    buf.putInt((int) v);
                }
            }
            case LONG, UINT64 -> {
                onnx = type == DataType.INT64 ? TensorProto.DataType.INT64 : TensorProto.DataType.UINT64;
                buf = bytes(Long.BYTES, n);
                buf.asLongBuffer().put(c.castTo(DataType.INT64).data().asLong());
            }
            default -> throw new IllegalArgumentException("initializer '" + name + "' has data type " + type
                    + ", which has no ONNX tensor type here");
        }
        return t.setDataType(onnx.getNumber()).setRawData(ByteString.copyFrom(buf.array())).build();
    }

    private static ByteBuffer bytes(int width, int count) {
        return ByteBuffer.allocate(width * count).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The integers held by an INT8, UINT8 or INT32 tensor {@code t} (a weight stored quantized), as an ND4J array of
     * that type and {@code t.dims}; {@code where} names file and tensor. Other types are an
     * {@link OnnxFormatException}.
     */
    static INDArray integers(TensorProto t, String where) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = elementCount(shape, where);
        boolean raw = !t.getRawData().isEmpty();
        int width;
        DataType type;
        switch (t.getDataType()) {
            case TensorProto.DataType.INT8_VALUE -> {
                width = 1;
                type = DataType.INT8;
            }
            case TensorProto.DataType.UINT8_VALUE -> {
                width = 1;
                type = DataType.UINT8;
            }
            case TensorProto.DataType.INT32_VALUE -> {
                width = 4;
                type = DataType.INT32;
            }
            default -> throw new OnnxFormatException(where + " has ONNX data type "
                    + TensorProto.DataType.forNumber(t.getDataType()) + "; quantized weights are INT8, UINT8 or INT32");
        }
        int n = checkCount(count, raw ? t.getRawData().size() / width : t.getInt32DataCount(),
                raw && t.getRawData().size() % width != 0, where);
        int[] values = new int[n];
        if (raw) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                values[i] = type == DataType.INT8 ? b.get() : type == DataType.UINT8 ? b.get() & 0xff : b.getInt();
            }
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = t.getInt32Data(i); // ONNX stores int8/uint8 elements one per int32_data entry
            }
        }
        return Nd4j.createFromArray(values).reshape(shape).castTo(type);
    }

    /** The array held by {@code t}: FLOAT {@code t.dims} or INT64 {@code t.dims}; {@code where} names file and tensor. */
    static INDArray fromProto(TensorProto t, String where) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = elementCount(shape, where);
        boolean raw = !t.getRawData().isEmpty();
        switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                float[] data = new float[checkCount(count, raw ? t.getRawData().size() / Float.BYTES : t.getFloatDataCount(),
                        raw && t.getRawData().size() % Float.BYTES != 0, where)];
                if (raw) {
                    t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
                } else {
                    List<Float> list = t.getFloatDataList();
                    for (int i = 0; i < data.length; i++) {
                        data[i] = list.get(i);
                    }
                }
                return Nd4j.create(data, shape, DataType.FLOAT);
            }
            case TensorProto.DataType.INT64_VALUE -> {
                long[] data = new long[checkCount(count, raw ? t.getRawData().size() / Long.BYTES : t.getInt64DataCount(),
                        raw && t.getRawData().size() % Long.BYTES != 0, where)];
                if (raw) {
                    t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(data);
                } else {
                    List<Long> list = t.getInt64DataList();
                    for (int i = 0; i < data.length; i++) {
                        data[i] = list.get(i);
                    }
                }
                return Nd4j.create(data, shape, DataType.INT64);
            }
            default -> throw new OnnxFormatException(where + " has ONNX data type "
                    + TensorProto.DataType.forNumber(t.getDataType()) + "; only FLOAT and INT64 tensors are supported");
        }
    }

    private static long elementCount(long[] shape, String where) {
        long n = 1;
        try {
            for (long d : shape) {
                if (d < 0) {
                    throw new OnnxFormatException(where + " has a negative dimension " + d);
                }
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException e) {
            throw new OnnxFormatException(where + " has dims whose product overflows a long", e);
        }
        return n;
    }

    private static int checkCount(long expected, long actual, boolean ragged, String where) {
        if (ragged || expected != actual) {
            throw new OnnxFormatException(where + " declares " + expected + " elements but holds "
                    + (ragged ? "a byte count that is not a whole number of elements" : actual + " elements"));
        }
        return (int) expected;
    }
}
