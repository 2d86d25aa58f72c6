package dev.condense.engine.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-row float32 records of a teacher's outputs, by row id, in a memory-mapped scratch file ({@link TeacherCache}).
 *
 * <p>Layout: row {@code r}'s record starts at float {@code r * record}; it holds the tensors in order, each its
 * per-row elements in c order, native byte order. The file has {@code rows x record x 4} bytes (created sparse; pages
 * are written as rows are stored); the heap holds one bit per row (stored or not) and the mappings, each at most 2 GiB
 * of whole records. Reading a batch copies each row's slice of each tensor with one bulk buffer copy.
 *
 * <p>Invariant: a row is read only after it was written. Not thread-safe. {@link #close()} deletes the file; the
 * operating system frees its pages when the mappings are collected.
 */
final class TeacherCacheFile implements AutoCloseable {
    private static final long MAX_MAPPING = Integer.MAX_VALUE;
    private final Path file;
    private final FileChannel channel;
    private final List<long[]> rowShapes;
    private final int[] widths;
    private final int[] offsets;
    private final int record;
    private final int rowsPerMapping;
    private final FloatBuffer[] mappings;
    private final BitSet stored;
    private final int rows;

    /**
     * Creates {@code file} (which must not exist) for {@code rows} records of the tensors of per-row shapes
     * {@code rowShapes} (each without the batch dimension, all dimensions known).
     *
     * @throws UncheckedIOException when the file cannot be created or mapped
     */
    TeacherCacheFile(Path file, int rows, List<long[]> rowShapes) {
        this(file, rows, rowShapes, MAX_MAPPING);
    }

    /** As above, each mapping at most {@code maxMapping} bytes (at least one record), for tests of the split. */
    TeacherCacheFile(Path file, int rows, List<long[]> rowShapes, long maxMapping) {
        if (rows < 1 || rowShapes.isEmpty()) {
            throw new IllegalArgumentException("a teacher cache needs rows and tensors, got " + rows + " and "
                    + rowShapes.size());
        }
        this.file = file;
        this.rows = rows;
        this.rowShapes = rowShapes.stream().map(long[]::clone).toList();
        this.widths = new int[rowShapes.size()];
        this.offsets = new int[rowShapes.size()];
        long total = 0;
        for (int k = 0; k < widths.length; k++) {
            long w = Arrays.stream(rowShapes.get(k)).reduce(1, Math::multiplyExact);
            if (w < 1) {
                throw new IllegalArgumentException("per-row shape " + Arrays.toString(rowShapes.get(k))
                        + " has an unknown or empty dimension");
            }
            offsets[k] = (int) total;
            widths[k] = (int) w;
            total += w;
        }
        if (total * Float.BYTES > Math.min(maxMapping, MAX_MAPPING)) {
            throw new IllegalArgumentException("a teacher cache record of " + total + " floats exceeds one mapping ("
                    + Math.min(maxMapping, MAX_MAPPING) + " bytes)");
        }
        this.record = (int) total;
        this.rowsPerMapping = (int) Math.min(rows, Math.min(maxMapping, MAX_MAPPING) / ((long) record * Float.BYTES));
        this.mappings = new FloatBuffer[(rows + rowsPerMapping - 1) / rowsPerMapping];
        this.stored = new BitSet(rows);
        FileChannel opened = null;
        try {
            opened = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            for (int m = 0; m < mappings.length; m++) {
                long first = (long) m * rowsPerMapping;
                long count = Math.min(rowsPerMapping, rows - first);
                mappings[m] = opened.map(FileChannel.MapMode.READ_WRITE, first * record * Float.BYTES,
                        count * record * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
        } catch (IOException e) {
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                delete(); // only a file this constructor created
            }
            throw new UncheckedIOException("cannot create the teacher cache " + file, e);
        }
        this.channel = opened;
    }

    /** Size of the file in bytes: rows x record x 4. */
    long bytes() {
        return (long) rows * record * Float.BYTES;
    }

    /** Floats per row (the sum of the tensors' per-row sizes). */
    int record() {
        return record;
    }

    /** Number of rows stored so far. */
    int storedRows() {
        return stored.cardinality();
    }

    /** True when row {@code row} was stored. */
    boolean has(int row) {
        return stored.get(row);
    }

    /**
     * Stores row {@code rows[i]} from position {@code i} of {@code values}.
     *
     * @param values per tensor, values {@code [rows.length, ...rowShape]} in c order
     */
    void write(int[] rows, List<float[]> values) {
        for (int i = 0; i < rows.length; i++) {
            int r = check(rows[i]);
            FloatBuffer m = mappings[r / rowsPerMapping];
            int base = (r % rowsPerMapping) * record;
            for (int k = 0; k < widths.length; k++) {
                m.put(base + offsets[k], values.get(k), i * widths[k], widths[k]);
            }
            stored.set(r);
        }
    }

    /** The stored values of rows {@code rows}, one array {@code [B, ...rowShape]} per tensor. */
    INDArray[] read(int[] rows) {
        float[][] out = new float[widths.length][];
        for (int k = 0; k < widths.length; k++) {
            out[k] = new float[rows.length * widths[k]];
        }
        for (int i = 0; i < rows.length; i++) {
            int r = check(rows[i]);
            if (!stored.get(r)) {
                throw new IllegalStateException("row " + r + " of the teacher cache was never stored");
            }
            FloatBuffer m = mappings[r / rowsPerMapping];
            int base = (r % rowsPerMapping) * record;
            for (int k = 0; k < widths.length; k++) {
                m.get(base + offsets[k], out[k], i * widths[k], widths[k]);
            }
        }
        INDArray[] arrays = new INDArray[widths.length];
        for (int k = 0; k < widths.length; k++) {
            long[] shape = new long[rowShapes.get(k).length + 1];
            shape[0] = rows.length;
            System.arraycopy(rowShapes.get(k), 0, shape, 1, shape.length - 1);
            arrays[k] = Nd4j.create(out[k], shape, DataType.FLOAT);
        }
        return arrays;
    }

    private int check(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside the teacher cache's " + rows + " rows");
        }
        return row;
    }

    /** Closes the channel and deletes the file. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the teacher cache " + file, e);
        } finally {
            delete();
        }
    }

    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
