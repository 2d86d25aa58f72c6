package dev.condense.plugin.distill.stepbystep;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The rationale head's reduced output vocabulary: the K most frequent word pieces of the training rationales
 * (ties by the smaller id), as a lookup table from word-piece id to class: the i-th most frequent piece is class i
 * (0-based), every other id (rarer pieces, and pieces never seen) is class K, UNK.
 */
final class RationaleVocabulary {
    private RationaleVocabulary() {
    }

    /**
     * @param kept the kept pieces' ids ({@link #kept}), K of them
     * @param v    V, the table's length (above every id)
     * @return float {@code [V]}: the class of each id, in [0, K]
     */
    static INDArray lookup(int[] kept, long v) {
        float[] table = new float[Math.toIntExact(v)];
        Arrays.fill(table, kept.length);
        for (int r = 0; r < kept.length; r++) {
            table[kept[r]] = r;
        }
        return Nd4j.createFromArray(table);
    }

    /**
     * @param counts {@code [V]} occurrences of each word-piece id in the training rationales
     * @param k      classes kept at most
     * @return the ids of the pieces kept, most frequent first (ties by the smaller id): the first
     *         {@code min(k, pieces that occur)}; class i is {@code kept[i]}
     */
    static int[] kept(INDArray counts, int k) {
        float[] c = counts.dup().data().asFloat();
        Integer[] order = IntStream.range(0, c.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -c[i]).thenComparingInt(i -> i));
        return Arrays.stream(order).limit(k).filter(i -> c[i] > 0).mapToInt(Integer::intValue).toArray();
    }
}
