package dev.condense.engine.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A parsed unsigned-byte IDX file held as raw bytes; rows are read out by {@link IdxReader}.
 *
 * @param source     file name used in error messages
 * @param dims       dimensions from the header, {@code dims[0]} = number of rows (e.g. {@code [60000, 28, 28]})
 * @param bytes      the whole file content, header included
 * @param dataOffset offset of the first payload byte in {@code bytes} (4 + 4 * dims.length)
 */
public record IdxFile(String source, int[] dims, byte[] bytes, int dataOffset) {

    public IdxFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(bytes, "bytes");
        dims = dims.clone();
        if (dims.length == 0) {
            throw new IllegalArgumentException(source + ": an IDX file needs at least one dimension");
        }
        long payload = 1;
        for (int d : dims) {
            payload *= d;
        }
        if (dataOffset < 0 || dataOffset + payload > bytes.length) {
            throw new IllegalArgumentException(source + ": payload does not fit the byte array");
        }
    }

    /** Number of rows, {@code dims[0]}. */
    public int rows() {
        return dims[0];
    }

    /** Bytes per row: the product of {@code dims[1..]} (1 for a label file). */
    public int rowBytes() {
        int n = 1;
        for (int i = 1; i < dims.length; i++) {
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public String toString() {
        return "IdxFile[" + source + ", dims=" + Arrays.toString(dims) + "]";
    }
}
