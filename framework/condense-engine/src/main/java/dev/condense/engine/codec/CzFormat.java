package dev.condense.engine.codec;

import dev.condense.engine.onnx.Half;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code model.cz} container, versions 1 and 2: a compressed model that streams in one pass. Big-endian
 * throughout:
 *
 * <pre>
 * magic     4 bytes  "CNDZ"
 * version   u16      1, or 2 when a layer stores float16 centroids or the model has binarized layers (a writer
 *                    writes the lowest version that holds the container, so float32 codebook containers stay version 1)
 * flags     u16      0 (reserved)
 * skeleton  u32 n, u32 inflated size, n bytes: the ONNX model, zlib-compressed (RFC 1950), with every coded
 *                    initializer present but empty (name, type and dims kept, no data)
 * layers    u32 count, then per layer:
 *             u16 n, n bytes   name (UTF-8)
 *             u8 rank, rank x i64 dims
 *             u8 index bits (1-16)
 *             version 2 only: u8 centroid precision, 0 float32, 1 float16 ({@link CentroidPrecision})
 *             u32 k, k x f32 (or k x binary16)   the non-zero centroids
 *             u32 m, m x u8    value code lengths of symbols 0 .. m-1 (canonical Huffman over k+1 symbols,
 *                              symbol k the filler zero; symbols from m on have none), m <= k+1
 *             u32 m, m x u8    gap code lengths likewise, over 2^bits symbols
 *             u32 entries
 *             u64 bits, ceil(bits/8) bytes   the value stream
 *             u64 bits, ceil(bits/8) bytes   the gap stream
 * signs     version 2 only: u32 count, then per binarized layer ({@link SignLayer}):
 *             u16 n, n bytes   name (UTF-8) of the int8 code initializer
 *             u8 rank, rank x i64 dims
 *             ceil(elements/8) bytes   the codes, one bit each (1: +1, 0: -1, most significant bit first)
 * digest    32 bytes SHA-256 of every byte before it
 * </pre>
 *
 * A reader checks each field as it comes (errors name the byte offset) and the digest at the end, so a changed or
 * missing byte is always an error; nothing is returned from a container that does not verify.
 */
public final class CzFormat {
    public static final byte[] MAGIC = "CNDZ".getBytes(StandardCharsets.US_ASCII);
    /** The newest version this class reads and writes. */
    public static final int VERSION = 2;
    /** Largest name, rank, centroid count and stream a reader accepts (guards against allocating from garbage). */
    private static final int MAX_NAME = 4096;
    private static final int MAX_RANK = 8;
    private static final int MAX_CENTROIDS = 1 << 16;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private CzFormat() {
    }

    /** A decoded container: the ONNX skeleton (inflated), its coded layers and its binarized ones. */
    public record Container(byte[] skeleton, List<CodedLayer> layers, List<SignLayer> signs) {
        public Container {
            layers = List.copyOf(layers);
            signs = List.copyOf(signs);
        }

        /** A container without binarized layers. */
        public Container(byte[] skeleton, List<CodedLayer> layers) {
            this(skeleton, layers, List.of());
        }
    }

    /** Writes {@code container}; the caller owns {@code out} (it is flushed, not closed). */
    public static void write(Container container, OutputStream out) throws IOException {
        MessageDigest sha = sha256();
        DataOutputStream data = new DataOutputStream(new DigestOutputStream(out, sha));
        data.write(MAGIC);
        int version = versionFor(container);
        data.writeShort(version);
        data.writeShort(0);
        byte[] deflated = SkeletonZlib.deflate(container.skeleton());
        data.writeInt(deflated.length);
        data.writeInt(container.skeleton().length);
        data.write(deflated);
        data.writeInt(container.layers().size());
        for (CodedLayer layer : container.layers()) {
            writeLayer(layer, version, data);
        }
        if (version >= 2) {
            data.writeInt(container.signs().size());
            for (SignLayer layer : container.signs()) {
                writeHead(layer.name(), layer.shape(), data);
                data.write(layer.packed());
            }
        }
        data.flush();
        out.write(sha.digest());
        out.flush();
    }

    /**
     * The version {@link #write} writes for {@code container}: the lowest that holds it (2 with float16 centroids or
     * binarized layers, else 1). A container read from a file has the file's version, as this writer wrote it.
     */
    public static int versionFor(Container container) {
        return container.signs().isEmpty()
                && container.layers().stream().allMatch(l -> l.precision() == CentroidPrecision.FLOAT32) ? 1 : 2;
    }

    private static void writeHead(String layerName, long[] shape, DataOutputStream data) throws IOException {
        byte[] name = layerName.getBytes(StandardCharsets.UTF_8);
        data.writeShort(name.length);
        data.write(name);
        data.writeByte(shape.length);
        for (long d : shape) {
            data.writeLong(d);
        }
    }

    private static void writeLayer(CodedLayer layer, int version, DataOutputStream data) throws IOException {
        writeHead(layer.name(), layer.shape(), data);
        data.writeByte(layer.indexBits());
        if (version >= 2) {
            data.writeByte(layer.precision().code());
        }
        data.writeInt(layer.centroids().length);
        for (float c : layer.centroids()) {
            if (layer.precision() == CentroidPrecision.FLOAT16) {
                data.writeShort(Half.bits(c));
            } else {
                data.writeFloat(c);
            }
        }
        writeLengths(layer.values().code().lengths(), data);
        writeLengths(layer.gaps().code().lengths(), data);
        data.writeInt(layer.entries());
        writeStream(layer.values(), data);
        writeStream(layer.gaps(), data);
    }

    /** The lengths up to the last non-zero one (a small layer's gaps use few of the 2^bits symbols). */
    private static void writeLengths(int[] lengths, DataOutputStream data) throws IOException {
        int m = lengths.length;
        while (m > 0 && lengths[m - 1] == 0) {
            m--;
        }
        data.writeInt(m);
        for (int i = 0; i < m; i++) {
            data.writeByte(lengths[i]);
        }
    }

    private static void writeStream(HuffmanStream s, DataOutputStream data) throws IOException {
        data.writeLong(s.bitLength());
        data.write(s.bytes());
    }

    /**
     * Reads and verifies a container.
     *
     * @param source names the input in error messages (e.g. the file)
     * @throws CodecException naming {@code source} and the byte offset, if the input is truncated, corrupted, of
     *                        another version, or fails the digest
     */
    public static Container read(InputStream in, String source) throws IOException {
        MessageDigest sha = sha256();
        Counting counting = new Counting(in);
        DataInputStream data = new DataInputStream(new DigestInputStream(counting, sha));
        Reader r = new Reader(data, counting, source);
        try {
            byte[] magic = r.bytes(4, "magic");
            if (!Arrays.equals(magic, MAGIC)) {
                throw r.error(0, "not a Condense container (magic " + new String(magic, StandardCharsets.ISO_8859_1)
                        + ", expected CNDZ)");
            }
            int version = data.readUnsignedShort();
            if (version < 1 || version > VERSION) {
                throw r.error(4, "container version " + version + ", this Condense reads versions 1 to " + VERSION);
            }
            data.readUnsignedShort();
            int deflated = r.count(data.readInt(), Integer.MAX_VALUE - 8, "skeleton size");
            int inflated = r.count(data.readInt(), Integer.MAX_VALUE - 8, "inflated skeleton size");
            byte[] skeleton = SkeletonZlib.inflate(r.bytes(deflated, "skeleton"), inflated, m -> r.error(16, m));
            int count = r.count(data.readInt(), 1 << 20, "layer count");
            List<CodedLayer> layers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                layers.add(readLayer(r, data, version));
            }
            List<SignLayer> signs = new ArrayList<>();
            if (version >= 2) {
                int n = r.count(data.readInt(), 1 << 20, "binarized layer count");
                for (int i = 0; i < n; i++) {
                    Head h = readHead(r, data);
                    long bytes = (h.elements() + 7) / 8;
                    signs.add(new SignLayer(h.name(), h.shape(), r.bytes((int) bytes, h.name() + ": signs")));
                }
            }
            byte[] expected = sha.digest();
            long at = counting.position;
            byte[] stored = new byte[32];
            new DataInputStream(counting).readFully(stored);
            if (!MessageDigest.isEqual(expected, stored)) {
                throw r.error(at, "SHA-256 does not match: the container was changed or damaged");
            }
            if (counting.read() != -1) {
                throw r.error(counting.position - 1, "bytes after the digest");
            }
            return new Container(skeleton, layers, signs);
        } catch (EOFException e) {
            throw r.error(counting.position, "truncated: the container ends early");
        }
    }

    /**
     * Reads and verifies the container file {@code file}.
     *
     * @throws CodecException naming the file, if it is missing, unreadable, or not a valid container
     */
    public static Container read(java.nio.file.Path file) {
        if (java.nio.file.Files.exists(file) && !java.nio.file.Files.isRegularFile(file)) {
            throw new CodecException(file + ": not a regular file"); // a FIFO or device would block or never end
        }
        try (InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CodecException(file + ": no such file");
        } catch (IOException e) {
            throw new CodecException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * True when {@code file} is a regular file that starts with the container's magic bytes (false when it cannot be
     * read; a FIFO or device is never opened, so this never blocks).
     */
    public static boolean isContainer(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** A layer's name and shape, with its element count (at most {@code MAX_ELEMENTS}). */
    private record Head(String name, long[] shape, long elements) {
    }

    private static Head readHead(Reader r, DataInputStream data) throws IOException {
        String name = new String(r.bytes(r.count(data.readUnsignedShort(), MAX_NAME, "name length"), "name"),
                StandardCharsets.UTF_8);
        int rank = r.count(data.readUnsignedByte(), MAX_RANK, "rank of " + name);
        long[] shape = new long[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = data.readLong();
            if (shape[d] < 0 || shape[d] > MAX_ELEMENTS || (elements = elements * shape[d]) > MAX_ELEMENTS) {
                throw r.error(r.position() - 8, name + ": dimension " + shape[d] + " out of range");
            }
        }
        return new Head(name, shape, elements);
    }

    private static CodedLayer readLayer(Reader r, DataInputStream data, int version) throws IOException {
        Head head = readHead(r, data);
        String name = head.name();
        long[] shape = head.shape();
        int bits = data.readUnsignedByte();
        if (bits < 1 || bits > RelativeIndex.MAX_INDEX_BITS) {
            throw r.error(r.position() - 1, name + ": index bits " + bits + " outside [1, 16]");
        }
        CentroidPrecision precision = CentroidPrecision.FLOAT32;
        if (version >= 2) {
            int code = data.readUnsignedByte();
            precision = CentroidPrecision.ofCode(code);
            if (precision == null) {
                throw r.error(r.position() - 1, name + ": centroid precision " + code + " (0 float32, 1 float16)");
            }
        }
        int k = r.count(data.readInt(), MAX_CENTROIDS, name + ": centroid count");
        float[] centroids = new float[k];
        for (int c = 0; c < k; c++) {
            centroids[c] = precision == CentroidPrecision.FLOAT16 ? Half.toFloat(data.readShort()) : data.readFloat();
        }
        CanonicalHuffman valueCode = r.code(k + 1, name + ": value code");
        CanonicalHuffman gapCode = r.code(1 << bits, name + ": gap code");
        int entries = r.count(data.readInt(), Integer.MAX_VALUE - 8, name + ": entries");
        HuffmanStream values = r.stream(valueCode, entries, name + ": value stream");
        HuffmanStream gaps = r.stream(gapCode, entries, name + ": gap stream");
        try {
            return new CodedLayer(name, shape, centroids, precision, bits, values, gaps);
        } catch (CodecException e) {
            throw r.error(r.position(), e.getMessage());
        }
    }

    /** Field reading with offsets for errors. */
    private record Reader(DataInputStream data, Counting counting, String source) {
        long position() {
            return counting.position;
        }

        CodecException error(long at, String message) {
            return new CodecException(source + ": byte " + at + ": " + message);
        }

        int count(int value, int max, String what) {
            if (value < 0 || value > max) {
                throw error(position() - 4, what + " " + Integer.toUnsignedString(value) + " out of range");
            }
            return value;
        }

        /** {@code n} bytes, allocated as they arrive (a corrupted size cannot allocate more than the input holds). */
        byte[] bytes(int n, String what) throws IOException {
            byte[] b = data.readNBytes(n);
            if (b.length != n) {
                throw new EOFException(what);
            }
            return b;
        }

        CanonicalHuffman code(int alphabet, String what) throws IOException {
            long at = position();
            int m = count(data.readInt(), alphabet, what + ": stored lengths");
            int[] lengths = new int[alphabet];
            for (int s = 0; s < m; s++) {
                lengths[s] = data.readUnsignedByte();
            }
            try {
                return CanonicalHuffman.fromLengths(lengths);
            } catch (CodecException e) {
                throw error(at, what + ": " + e.getMessage());
            }
        }

        HuffmanStream stream(CanonicalHuffman code, int count, String what) throws IOException {
            long at = position();
            long bits = data.readLong();
            if (bits < 0 || bits > 8L * (Integer.MAX_VALUE - 8) || bits < count) {
                throw error(at, what + ": " + bits + " bits cannot hold " + count + " symbols");
            }
            return new HuffmanStream(code, bytes((int) ((bits + 7) >>> 3), what), bits, count);
        }
    }

    private static final class Counting extends FilterInputStream {
        long position;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            position += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            position += Math.max(n, 0);
            return n;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
