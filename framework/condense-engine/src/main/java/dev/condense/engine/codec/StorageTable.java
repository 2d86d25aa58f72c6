package dev.condense.engine.codec;

import java.util.Arrays;
import java.util.List;

/**
 * Deep Compression's storage accounting (Han, Mao and Dally, ICLR 2016, tables 2-5) for the coded layers of a
 * container: per layer, the bytes as dense float32, as sparse storage (float32 values and fixed-width relative
 * indices), with quantization (fixed-width shared-weight indices plus the codebook) and with Huffman coding (the
 * coded streams, codebook and code tables as {@link CzFormat} stores them). Bytes round up per stream.
 *
 * @param rows one per coded layer, in container order
 */
public record StorageTable(List<Row> rows) {

    /**
     * @param layer          the initializer's name
     * @param params         elements of the tensor
     * @param kept           non-zero weights
     * @param centroids      shared values, {@code k}
     * @param weightBits     fixed-width bits of a value symbol: {@code ceil(log2(k + 1))} (the centroids and the filler)
     * @param indexBits      bits of a relative index
     * @param entries        stored entries (kept weights plus fillers)
     * @param denseBytes     {@code 4 params}
     * @param sparseBytes    {@code entries (32 + indexBits) / 8}
     * @param quantizedBytes {@code entries (weightBits + indexBits) / 8 + 4k} (float32 centroids, or {@code 2k} float16)
     * @param huffmanBytes   the two coded streams + the codebook ({@code 4k} or {@code 2k}) + the two code tables as
     *                       stored
     */
    public record Row(String layer, long params, long kept, int centroids, int weightBits, int indexBits,
                      long entries, long denseBytes, long sparseBytes, long quantizedBytes, long huffmanBytes) {

        /** Dense float32 bytes over Huffman-coded bytes. */
        public double ratio() {
            return (double) denseBytes / huffmanBytes;
        }
    }

    /** The table of {@code layers}; decodes each value stream once to count the fillers. */
    public static StorageTable of(List<CodedLayer> layers) {
        return new StorageTable(layers.stream().map(StorageTable::row).toList());
    }

    private static Row row(CodedLayer l) {
        int k = l.centroids().length;
        long fillers = Arrays.stream(l.values().decode()).filter(v -> v == k).count();
        long entries = l.entries();
        int weightBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(k));
        int b = l.indexBits();
        long codebook = (long) l.precision().bytes() * k;
        long huffman = l.values().bytes().length + l.gaps().bytes().length + codebook + stored(l.values().code())
                + stored(l.gaps().code());
        return new Row(l.name(), l.length(), entries - fillers, k, weightBits, b, entries, 4 * l.length(),
                bytes(entries * (32 + b)), bytes(entries * (weightBits + b)) + codebook, huffman);
    }

    /** Bytes of a code table as {@link CzFormat} stores it: a count and the lengths up to the last used symbol. */
    private static long stored(CanonicalHuffman code) {
        int[] lengths = code.lengths();
        int m = lengths.length;
        while (m > 0 && lengths[m - 1] == 0) {
            m--;
        }
        return 4 + m;
    }

    private static long bytes(long bits) {
        return (bits + 7) / 8;
    }

    /** Sums over the rows: params, kept, dense, sparse, quantized, Huffman bytes. */
    public long[] totals() {
        long[] t = new long[6];
        for (Row r : rows) {
            t[0] += r.params();
            t[1] += r.kept();
            t[2] += r.denseBytes();
            t[3] += r.sparseBytes();
            t[4] += r.quantizedBytes();
            t[5] += r.huffmanBytes();
        }
        return t;
    }

    /**
     * What Huffman coding saves over the fixed-width codes of the same entries: {@code 1 - coded bits / fixed bits}
     * over all layers' value and gap streams (codebooks and tables excluded on both sides).
     */
    public double huffmanSaving(List<CodedLayer> layers) {
        long coded = 0;
        long fixed = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            coded += layers.get(i).values().bitLength() + layers.get(i).gaps().bitLength();
            fixed += r.entries() * (r.weightBits() + r.indexBits());
        }
        return fixed == 0 ? 0 : 1 - (double) coded / fixed;
    }
}
