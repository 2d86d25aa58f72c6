package dev.condense.engine.codec;

import java.util.Arrays;

/**
 * Appends bit fields to a growing byte array, most significant bit first: the first bit written is bit 7 of byte 0.
 * The last byte is padded with zero bits. Not thread-safe.
 */
public final class BitWriter {
    private byte[] bytes = new byte[64];
    private long bits;

    /**
     * Appends the low {@code width} bits of {@code value}, most significant first.
     *
     * @param width 0 to 32
     */
    public void write(int value, int width) {
        if (width < 0 || width > 32) {
            throw new IllegalArgumentException("a bit field is 0 to 32 bits wide, not " + width);
        }
        for (int i = width - 1; i >= 0; i--) {
            writeBit((value >>> i) & 1);
        }
    }

    private void writeBit(int bit) {
        int index = (int) (bits >>> 3);
        if (index == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        if (bit != 0) {
            bytes[index] |= (byte) (0x80 >>> (bits & 7));
        }
        bits++;
    }

    /** Bits written so far. */
    public long bitLength() {
        return bits;
    }

    /** The bytes written, {@code ceil(bitLength / 8)} of them, the last one zero-padded. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, (int) ((bits + 7) >>> 3));
    }
}
