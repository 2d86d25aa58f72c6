package dev.condense.engine.codec;

import java.util.Arrays;

/**
 * Relative-index sparse storage (Han, Mao and Dally, "Deep Compression", ICLR 2016, section 3 and figure 3): the
 * non-zero entries of a flat tensor as (gap, value) pairs, where the gap is the number of zeros skipped since the
 * previous stored entry. A gap wider than {@code 2^indexBits - 1} is bridged by filler entries: a stored zero
 * (value {@link #filler()}) placed {@code 2^indexBits} positions after the previous entry.
 *
 * @param length    elements of the tensor (zeros after the last entry are implied)
 * @param indexBits width of a gap, 1 to 16
 * @param symbols   number of value symbols {@code k}; values are {@code 0 .. k-1}, and {@code k} is the filler
 * @param gaps      one gap per entry, each in {@code [0, 2^indexBits)}
 * @param values    one value per entry, {@code 0 .. k} ({@code k}: filler)
 */
public record RelativeIndex(int length, int indexBits, int symbols, int[] gaps, int[] values) {
    public static final int MAX_INDEX_BITS = 16;

    public RelativeIndex {
        if (indexBits < 1 || indexBits > MAX_INDEX_BITS) {
            throw new IllegalArgumentException("index bits must be in [1, " + MAX_INDEX_BITS + "], was " + indexBits);
        }
        if (gaps.length != values.length) {
            throw new IllegalArgumentException(gaps.length + " gaps but " + values.length + " values");
        }
    }

    /** The value symbol of a filler zero: {@code symbols}. */
    public int filler() {
        return symbols;
    }

    /**
     * Encodes a flat tensor given as value symbols.
     *
     * @param flat      per element, {@code -1} for a zero (pruned) element or its value symbol in {@code [0, symbols)}
     * @param symbols   the number of value symbols {@code k}
     * @param indexBits the gap width
     */
    public static RelativeIndex encode(int[] flat, int symbols, int indexBits) {
        int max = (1 << indexBits) - 1;
        int[] gaps = new int[Math.max(16, flat.length / 4)];
        int[] values = new int[gaps.length];
        int n = 0;
        int previous = -1;
        for (int i = 0; i < flat.length; i++) {
            if (flat[i] < 0) {
                continue;
            }
            if (flat[i] >= symbols) {
                throw new IllegalArgumentException("value symbol " + flat[i] + " at " + i + " not below " + symbols);
            }
            int gap = i - previous - 1;
            while (true) {
                if (n == gaps.length) {
                    gaps = Arrays.copyOf(gaps, n * 2);
                    values = Arrays.copyOf(values, n * 2);
                }
                if (gap <= max) {
                    gaps[n] = gap;
                    values[n++] = flat[i];
                    break;
                }
                gaps[n] = max;
                values[n++] = symbols;
                gap -= max + 1;
            }
            previous = i;
        }
        return new RelativeIndex(flat.length, indexBits, symbols, Arrays.copyOf(gaps, n), Arrays.copyOf(values, n));
    }

    /**
     * The flat tensor as value symbols, {@code -1} for zeros (fillers included).
     *
     * @throws CodecException if the entries run past {@code length} or hold a symbol above the filler
     */
    public int[] decode() {
        int[] flat = new int[length];
        Arrays.fill(flat, -1);
        long position = -1;
        for (int e = 0; e < gaps.length; e++) {
            position += gaps[e] + 1L;
            if (gaps[e] < 0 || gaps[e] >= 1 << indexBits || position >= length) {
                throw new CodecException("sparse entry " + e + " (gap " + gaps[e] + ") falls outside the " + length
                        + " elements");
            }
            if (values[e] < 0 || values[e] > symbols) {
                throw new CodecException("sparse entry " + e + " holds value symbol " + values[e] + " of " + symbols);
            }
            if (values[e] < symbols) {
                flat[(int) position] = values[e];
            }
        }
        return flat;
    }

    /** Entries that are fillers. */
    public int fillers() {
        return (int) Arrays.stream(values).filter(v -> v == symbols).count();
    }
}
