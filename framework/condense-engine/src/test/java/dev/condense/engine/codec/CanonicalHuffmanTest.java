package dev.condense.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalHuffmanTest {

    @Test
    void plantedFrequenciesGetTheTextbookLengthsAndCanonicalCodes() {
        CanonicalHuffman code = CanonicalHuffman.fromFrequencies(new long[] {1, 1, 2, 4, 0});
        assertArrayEquals(new int[] {3, 3, 2, 1, 0}, code.lengths());
        // canonical: 3 -> 0, 2 -> 10, 0 -> 110, 1 -> 111
        BitWriter out = new BitWriter();
        code.encode(new int[] {3, 2, 0, 1}, out);
        assertEquals(1 + 2 + 3 + 3, out.bitLength());
        assertEquals(0b0101_1011, out.toByteArray()[0] & 0xff);
        assertEquals(0b1000_0000, out.toByteArray()[1] & 0xff);
    }

    @Test
    void decodesWhatItEncodes() {
        Random random = new Random(3);
        int[] symbols = new int[5_000];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = (int) Math.min(31, Math.abs(random.nextGaussian() * 5));
        }
        long[] f = new long[32];
        Arrays.stream(symbols).forEach(s -> f[s]++);
        CanonicalHuffman code = CanonicalHuffman.fromFrequencies(f);
        BitWriter out = new BitWriter();
        code.encode(symbols, out);
        assertEquals(code.codedBits(symbols), out.bitLength());
        assertTrue(out.bitLength() < 5L * symbols.length, "beats 5-bit fixed width: " + out.bitLength());
        CanonicalHuffman read = CanonicalHuffman.fromLengths(code.lengths());
        assertArrayEquals(symbols, read.decode(new BitReader(out.toByteArray(), out.bitLength()), symbols.length));
    }

    @Test
    void fibonacciFrequenciesAreLimitedToTheMaximumLength() {
        long[] f = new long[40];
        f[0] = 1;
        f[1] = 1;
        for (int i = 2; i < f.length; i++) {
            f[i] = f[i - 1] + f[i - 2];
        }
        CanonicalHuffman code = CanonicalHuffman.fromFrequencies(f);
        int longest = Arrays.stream(code.lengths()).max().orElseThrow();
        assertTrue(longest <= CanonicalHuffman.MAX_LENGTH && longest > 6, "longest code " + longest);
        double kraft = Arrays.stream(code.lengths()).mapToDouble(l -> Math.scalb(1.0, -l)).sum();
        assertEquals(1.0, kraft, 0.0);
        int[] all = java.util.stream.IntStream.range(0, 40).toArray();
        BitWriter out = new BitWriter();
        code.encode(all, out);
        assertArrayEquals(all, code.decode(new BitReader(out.toByteArray(), out.bitLength()), 40));
    }

    @Test
    void aSingleSymbolGetsOneBit() {
        CanonicalHuffman code = CanonicalHuffman.fromFrequencies(new long[] {0, 7, 0});
        assertArrayEquals(new int[] {0, 1, 0}, code.lengths());
        BitWriter out = new BitWriter();
        code.encode(new int[] {1, 1, 1}, out);
        assertArrayEquals(new int[] {1, 1, 1}, CanonicalHuffman.fromLengths(code.lengths())
                .decode(new BitReader(out.toByteArray(), 3), 3));
    }

    @Test
    void lengthsThatAreNotACompletePrefixCodeAreRejected() {
        assertThrows(CodecException.class, () -> CanonicalHuffman.fromLengths(new int[] {1, 2}));
        assertThrows(CodecException.class, () -> CanonicalHuffman.fromLengths(new int[] {1, 1, 1}));
        assertThrows(CodecException.class, () -> CanonicalHuffman.fromLengths(new int[] {0, 0}));
        assertThrows(CodecException.class, () -> CanonicalHuffman.fromLengths(new int[] {25, 1}));
    }

    @Test
    void aStreamThatEndsEarlyIsAnError() {
        CanonicalHuffman code = CanonicalHuffman.fromFrequencies(new long[] {1, 1, 2, 4});
        BitWriter out = new BitWriter();
        code.encode(new int[] {0, 1}, out);
        assertThrows(CodecException.class, () -> code.decode(new BitReader(out.toByteArray(), 5), 2));
    }
}
