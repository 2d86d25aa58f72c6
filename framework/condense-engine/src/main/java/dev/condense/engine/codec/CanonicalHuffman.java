package dev.condense.engine.codec;

import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A canonical Huffman code over the symbols {@code 0 .. n-1} (Huffman 1952; canonical form as in DEFLATE, RFC 1951
 * section 3.2.2): the code is determined by the code lengths alone, so a container stores one length per symbol.
 * Symbols of zero frequency get length 0 (no code). Lengths are limited to {@link #MAX_LENGTH} bits by halving the
 * frequencies until the tree fits; a single used symbol gets a 1-bit code.
 *
 * <p>Invariants: the code is prefix-free and complete over the used symbols (Kraft sum 1 when two or more are
 * used); {@code decode(encode(s)) == s}.
 */
public final class CanonicalHuffman {
    /** The longest code: lengths are stored in a byte and decoded into an int. */
    public static final int MAX_LENGTH = 24;

    private final int[] lengths;
    private final int[] codes;
    /** Per length L: the first canonical code of length L, how many codes have length L, and where they start. */
    private final int[] first = new int[MAX_LENGTH + 1];
    private final int[] count = new int[MAX_LENGTH + 1];
    private final int[] offset = new int[MAX_LENGTH + 1];
    /** Symbols ordered by (length, symbol): the canonical order. */
    private final int[] sorted;

    private CanonicalHuffman(int[] lengths) {
        this.lengths = lengths;
        this.codes = new int[lengths.length];
        sorted = java.util.stream.IntStream.range(0, lengths.length).filter(s -> lengths[s] > 0).boxed()
                .sorted(Comparator.<Integer>comparingInt(s -> lengths[s]).thenComparingInt(s -> s))
                .mapToInt(Integer::intValue).toArray();
        int code = 0;
        int length = 0;
        for (int i = 0; i < sorted.length; i++) {
            int s = sorted[i];
            code <<= lengths[s] - length;
            length = lengths[s];
            if (count[length]++ == 0) {
                first[length] = code;
                offset[length] = i;
            }
            codes[s] = code++;
        }
    }

    /** The optimal length-limited code for these symbol frequencies (each >= 0; at least one positive). */
    public static CanonicalHuffman fromFrequencies(long[] frequencies) {
        long[] f = frequencies.clone();
        if (Arrays.stream(f).anyMatch(x -> x < 0) || Arrays.stream(f).allMatch(x -> x == 0)) {
            throw new IllegalArgumentException("Huffman frequencies must be >= 0 with at least one positive");
        }
        while (true) {
            int[] lengths = lengths(f);
            if (Arrays.stream(lengths).max().orElse(0) <= MAX_LENGTH) {
                return new CanonicalHuffman(lengths);
            }
            for (int s = 0; s < f.length; s++) {
                f[s] = f[s] == 0 ? 0 : (f[s] >>> 1) | 1;
            }
        }
    }

    /**
     * The code with these lengths, as read from a container.
     *
     * @throws CodecException if a length is outside [0, MAX_LENGTH] or the lengths do not form a complete prefix code
     */
    public static CanonicalHuffman fromLengths(int[] lengths) {
        double kraft = 0;
        int used = 0;
        for (int l : lengths) {
            if (l < 0 || l > MAX_LENGTH) {
                throw new CodecException("Huffman code length " + l + " outside [0, " + MAX_LENGTH + "]");
            }
            if (l > 0) {
                kraft += Math.scalb(1.0, -l);
                used++;
            }
        }
        boolean single = used == 1 && kraft == 0.5;
        if (used == 0 || (!single && kraft != 1.0)) {
            throw new CodecException("Huffman code lengths do not form a complete prefix code (Kraft sum " + kraft
                    + " over " + used + " symbols)");
        }
        return new CanonicalHuffman(lengths.clone());
    }

    private static int[] lengths(long[] f) {
        int[] lengths = new int[f.length];
        int[] parent = new int[2 * f.length];
        long[] weight = new long[2 * f.length];
        PriorityQueue<Integer> queue = new PriorityQueue<>(
                Comparator.<Integer>comparingLong(i -> weight[i]).thenComparingInt(i -> i));
        for (int s = 0; s < f.length; s++) {
            weight[s] = f[s];
            if (f[s] > 0) {
                queue.add(s);
            }
        }
        if (queue.size() == 1) {
            lengths[queue.peek()] = 1;
            return lengths;
        }
        int next = f.length;
        while (queue.size() > 1) {
            int a = queue.poll();
            int b = queue.poll();
            weight[next] = weight[a] + weight[b];
            parent[a] = next;
            parent[b] = next;
            queue.add(next++);
        }
        int root = next - 1;
        for (int s = 0; s < f.length; s++) {
            if (f[s] > 0) {
                int depth = 0;
                for (int i = s; i != root; i = parent[i]) {
                    depth++;
                }
                lengths[s] = depth;
            }
        }
        return lengths;
    }

    /** The number of symbols (used or not). */
    public int alphabetSize() {
        return lengths.length;
    }

    /** The code length of each symbol in bits (0 for unused symbols); a copy. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** The bits {@code symbols} take when coded. */
    public long codedBits(int[] symbols) {
        long bits = 0;
        for (int s : symbols) {
            bits += lengths[s];
        }
        return bits;
    }

    /** Appends the codes of {@code symbols}; every symbol must have a code. */
    public void encode(int[] symbols, BitWriter out) {
        for (int s : symbols) {
            if (s < 0 || s >= lengths.length || lengths[s] == 0) {
                throw new IllegalArgumentException("symbol " + s + " has no Huffman code");
            }
            out.write(codes[s], lengths[s]);
        }
    }

    /** Reads {@code n} symbols. @throws CodecException if the stream ends early or holds no valid code */
    public int[] decode(BitReader in, int n) {
        int[] symbols = new int[n];
        for (int i = 0; i < n; i++) {
            symbols[i] = decodeOne(in);
        }
        return symbols;
    }

    private int decodeOne(BitReader in) {
        int code = 0;
        for (int length = 1; length <= MAX_LENGTH; length++) {
            code = (code << 1) | in.readBit();
            int index = code - first[length];
            if (count[length] > 0 && index >= 0 && index < count[length]) {
                return sorted[offset[length] + index];
            }
        }
        throw new CodecException("no Huffman code matches the bits at position " + in.position());
    }
}
