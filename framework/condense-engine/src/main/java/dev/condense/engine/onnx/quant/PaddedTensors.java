package dev.condense.engine.onnx.quant;

import onnx.Onnx.TensorProto;

/**
 * Widens one axis of an ONNX initializer ({@code FLOAT}, {@code INT8}, {@code UINT8} or {@code INT32}) for
 * {@link ChannelPadding}: a tensor of dims {@code [d0, ..., da, ...]} becomes {@code [d0, ..., size, ...]}, the
 * original values at indices {@code 0 .. da-1} of axis {@code a} and a fill value at {@code da .. size-1}. Name,
 * type and {@code doc_string} are kept; values are written as little-endian {@code raw_data}. A scalar (no dims) is
 * returned unchanged: it applies to every channel.
 */
final class PaddedTensors {
    private PaddedTensors() {
    }

    /** {@code t} widened to {@code size} along {@code axis}, new entries {@code 0}. */
    static TensorProto zeros(TensorProto t, int axis, long size) {
        return pad(t, axis, size, false);
    }

    /**
     * {@code t} widened to {@code size} along {@code axis}, new entries a copy of the first entry (for per-channel
     * scales, which must stay positive; the values they scale are 0).
     */
    static TensorProto firstValue(TensorProto t, int axis, long size) {
        return pad(t, axis, size, true);
    }

    private static TensorProto pad(TensorProto t, int axis, long size, boolean copyFirst) {
        if (t.getDimsCount() == 0) {
            return t;
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (axis >= dims.length || size < dims[axis]) {
            throw new IllegalArgumentException("cannot widen axis " + axis + " of '" + t.getName() + "' "
                    + java.util.Arrays.toString(dims) + " to " + size);
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= (int) dims[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= (int) dims[i];
        }
        int from = (int) dims[axis] * inner;
        int to = (int) size * inner;
        dims[axis] = size;
        boolean isFloat = t.getDataType() == TensorProto.DataType.FLOAT_VALUE;
        TensorProto out;
        if (isFloat) {
            float[] v = QTensors.floats(t);
            float[] w = new float[outer * to];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(v, o * from, w, o * to, from);
                if (copyFirst) {
                    java.util.Arrays.fill(w, o * to + from, (o + 1) * to, v[0]);
                }
            }
            out = QTensors.float32(t.getName(), dims, w);
        } else {
            int[] v = QTensors.ints(t);
            int[] w = new int[outer * to];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(v, o * from, w, o * to, from);
                if (copyFirst) {
                    java.util.Arrays.fill(w, o * to + from, (o + 1) * to, v[0]);
                }
            }
            out = t.getDataType() == TensorProto.DataType.INT32_VALUE ? QTensors.int32(t.getName(), dims, w)
                    : QTensors.bytes(t.getName(), dims, t.getDataType(), w);
        }
        return t.getDocString().isEmpty() ? out : out.toBuilder().setDocString(t.getDocString()).build();
    }
}
