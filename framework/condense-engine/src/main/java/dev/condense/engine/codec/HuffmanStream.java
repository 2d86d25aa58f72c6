package dev.condense.engine.codec;

/**
 * Symbols coded with a canonical Huffman code: the code (its lengths are what a container stores) and the bits.
 *
 * @param code      the code
 * @param bytes     the coded bits, most significant first, the last byte zero-padded
 * @param bitLength the number of valid bits
 * @param count     the number of symbols coded
 */
public record HuffmanStream(CanonicalHuffman code, byte[] bytes, long bitLength, int count) {

    /** Codes {@code symbols} (each in {@code [0, alphabet)}) with the optimal code for their frequencies. */
    public static HuffmanStream encode(int[] symbols, int alphabet) {
        long[] frequencies = new long[alphabet];
        for (int s : symbols) {
            frequencies[s]++;
        }
        if (symbols.length == 0) {
            frequencies[0] = 1; // an empty stream still carries a valid (unused) code
        }
        CanonicalHuffman code = CanonicalHuffman.fromFrequencies(frequencies);
        BitWriter out = new BitWriter();
        code.encode(symbols, out);
        return new HuffmanStream(code, out.toByteArray(), out.bitLength(), symbols.length);
    }

    /** The symbols back. @throws CodecException if the bits are truncated or invalid, or some are left over */
    public int[] decode() {
        BitReader in = new BitReader(bytes, bitLength);
        int[] symbols = code.decode(in, count);
        if (in.remaining() != 0) {
            throw new CodecException(in.remaining() + " bits left after " + count + " Huffman-coded symbols");
        }
        return symbols;
    }
}
