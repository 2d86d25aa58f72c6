package dev.condense.engine.codec;

/**
 * Reads bit fields written by {@link BitWriter} from a byte array, most significant bit first, never past a given
 * bit length (reading past it is a {@link CodecException}: a truncated or corrupted stream).
 */
public final class BitReader {
    private final byte[] bytes;
    private final long limit;
    private long position;

    /**
     * @param bytes     the stream
     * @param bitLength the number of valid bits, at most {@code 8 * bytes.length}
     */
    public BitReader(byte[] bytes, long bitLength) {
        if (bitLength < 0 || bitLength > 8L * bytes.length) {
            throw new CodecException("a bit stream of " + bytes.length + " bytes cannot hold " + bitLength + " bits");
        }
        this.bytes = bytes;
        this.limit = bitLength;
    }

    /** The next bit, 0 or 1. */
    public int readBit() {
        if (position >= limit) {
            throw new CodecException("bit stream ends after " + limit + " bits");
        }
        int bit = (bytes[(int) (position >>> 3)] >>> (7 - (position & 7))) & 1;
        position++;
        return bit;
    }

    /** The next {@code width} bits (0 to 32) as an unsigned value, most significant first. */
    public int read(int width) {
        if (width < 0 || width > 32) {
            throw new IllegalArgumentException("a bit field is 0 to 32 bits wide, not " + width);
        }
        int value = 0;
        for (int i = 0; i < width; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }

    /** Bits read so far. */
    public long position() {
        return position;
    }

    /** Bits left. */
    public long remaining() {
        return limit - position;
    }
}
