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
 * <p>Export writes C-order, little-endian {@code raw_data}: float32 for every floating-point array, int64 for every
 * integer array. Import reads FLOAT and INT64 tensors from {@code raw_data} or from the typed repeated fields
 * ({@code float_data}, {@code int64_data}) and checks that the element count matches the dims before allocating,
 * so a hostile header cannot trigger a huge allocation.
 */
final class OnnxTensors {

    private OnnxTensors() {
    }

    /** {@code value} as a named initializer; floating types become FLOAT, integer types INT64. */
    static TensorProto toProto(String name, INDArray value) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name);
        for (long d : value.shape()) {
            t.addDims(d);
        }
        DataType type = value.dataType();
        if (type.isFPType()) {
            float[] data = value.castTo(DataType.FLOAT).dup('c').data().asFloat();
            ByteBuffer buf = ByteBuffer.allocate(Float.BYTES * data.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(data);
            return t.setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(buf.array())).build();
        }
        if (type.isIntType()) {
            long[] data = value.castTo(DataType.INT64).dup('c').data().asLong();
            ByteBuffer buf = ByteBuffer.allocate(Long.BYTES * data.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asLongBuffer().put(data);
            return t.setDataType(TensorProto.DataType.INT64_VALUE).setRawData(ByteString.copyFrom(buf.array())).build();
        }
        throw new IllegalArgumentException("initializer '" + name + "' has data type " + type
                + "; only floating-point (exported as float32) and integer (exported as int64) arrays can be exported");
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
