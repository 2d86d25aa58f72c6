package dev.condense.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads unsigned-byte IDX files (the MNIST format: big-endian magic {@code 0x0000 08 nd}, then {@code nd} int32
 * dimensions, then the payload row by row) into ND4J arrays. Rows are gathered with one
 * {@link System#arraycopy} each and converted to float by a single ND4J cast; there is no per-element Java loop.
 */
public final class IdxReader {

    private static final int UBYTE = 0x08;

    private IdxReader() {
    }

    /** Reads a file whole; names ending in {@code .gz} are decompressed. */
    public static byte[] readBytes(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the header and checks the payload length.
     *
     * @param expectedDims number of dimensions the caller needs (3 for images, 1 for labels)
     * @throws CorruptDataException on a bad magic, a wrong number of dimensions, a truncated or overlong payload
     */
    public static IdxFile parse(byte[] bytes, String source, int expectedDims) {
        if (bytes.length < 4) {
            throw new CorruptDataException(source + ": truncated IDX file, " + bytes.length + " bytes, no magic number");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes); // big-endian, as IDX is
        int magic = bb.getInt();
        int nd = magic & 0xFF;
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != UBYTE) {
            throw new CorruptDataException(String.format(
                    "%s: bad IDX magic 0x%08X, expected 0x000008%02X (unsigned bytes, %d dims)", source, magic, expectedDims, expectedDims));
        }
        if (nd != expectedDims) {
            throw new CorruptDataException(source + ": IDX file has " + nd + " dimensions, expected " + expectedDims);
        }
        if (bytes.length < 4 + 4 * nd) {
            throw new CorruptDataException(source + ": truncated IDX header, " + bytes.length + " bytes for " + nd + " dims");
        }
        int[] dims = new int[nd];
        long payload = 1;
        for (int i = 0; i < nd; i++) {
            dims[i] = bb.getInt();
            if (dims[i] < 0) {
                throw new CorruptDataException(source + ": negative dimension " + dims[i] + " at index " + i);
            }
            payload *= dims[i];
        }
        int offset = 4 + 4 * nd;
        long actual = bytes.length - (long) offset;
        if (actual < payload) {
            throw new CorruptDataException(source + ": truncated IDX file, payload has " + actual + " bytes, header promises " + payload);
        }
        if (actual > payload) {
            throw new CorruptDataException(source + ": IDX file has " + (actual - payload) + " bytes after the payload the header promises");
        }
        return new IdxFile(source, dims, bytes, offset);
    }

    /** Images as float32 {@code [n, 1, h, w]} in [0,1] (pixel / 255); {@code rows} null means all rows in order. */
    public static INDArray images(IdxFile file, int[] rows) {
        int[] d = file.dims();
        if (d.length != 3) {
            throw new CorruptDataException(file.source() + ": images need 3 dimensions [N,H,W], file has " + d.length);
        }
        INDArray flat = gather(file, rows);
        return flat.reshape('c', flat.size(0), 1, d[1], d[2]).divi(255.0f);
    }

    /** Labels as float32 {@code [n]} holding the class indices; {@code rows} null means all rows in order. */
    public static INDArray labels(IdxFile file, int[] rows) {
        if (file.dims().length != 1) {
            throw new CorruptDataException(file.source() + ": labels need 1 dimension [N], file has " + file.dims().length);
        }
        return gather(file, rows).reshape(-1);
    }

    /** Reads an image file whole: float32 {@code [N, 1, h, w]} in [0,1]. */
    public static INDArray readImages(Path file) {
        return images(parse(readBytes(file), file.toString(), 3), null);
    }

    /** Reads a label file whole: float32 {@code [N]}. */
    public static INDArray readLabels(Path file) {
        return labels(parse(readBytes(file), file.toString(), 1), null);
    }

    /** Copies the chosen rows into one direct buffer and casts it to float32 {@code [n, rowBytes]} in one op. */
    private static INDArray gather(IdxFile file, int[] rows) {
        int rowBytes = file.rowBytes();
        int n = rows == null ? file.rows() : rows.length;
        int total = Math.multiplyExact(n, rowBytes);
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(total, 1));
        if (rows == null) {
            direct.put(file.bytes(), file.dataOffset(), total);
        } else {
            for (int r : rows) {
                if (r < 0 || r >= file.rows()) {
                    throw new IndexOutOfBoundsException(file.source() + ": row " + r + " outside [0, " + file.rows() + ")");
                }
                direct.put(file.bytes(), file.dataOffset() + r * rowBytes, rowBytes);
            }
        }
        direct.flip();
        if (total == 0) {
            return Nd4j.create(DataType.FLOAT, n, rowBytes);
        }
        DataBuffer buffer = Nd4j.createBuffer(direct, DataType.UINT8, total);
        INDArray u8 = Nd4j.create(buffer, new long[] {n, rowBytes}, new long[] {rowBytes, 1}, 0, 'c', DataType.UINT8);
        return u8.castTo(DataType.FLOAT);
    }
}
