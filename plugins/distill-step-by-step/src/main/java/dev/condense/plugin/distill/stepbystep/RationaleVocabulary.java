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
     * @param counts {@code [V]} occurrences of each word-piece id in the training rationales
     * @param k      classes kept
     * @return float {@code [V]}: the class of each id, in [0, K]
     */
    static INDArray lookup(INDArray counts, int k) {
        int[] kept = kept(counts, k);
        float[] table = new float[(int) counts.length()];
        Arrays.fill(table, k);
        for (int r = 0; r < k && kept[r] > 0; r++) {
            table[kept[r]] = r;
        }
        return Nd4j.createFromArray(table);
    }

    /**
     * @return {@code [K]}: the word-piece id of each class in [0, K), most frequent first; 0 (the pad id, never a
     *         target) for classes left over when fewer than K pieces occur
     */
    static int[] kept(INDArray counts, int k) {
        float[] c = counts.dup().data().asFloat();
        Integer[] order = IntStream.range(0, c.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -c[i]).thenComparingInt(i -> i));
        int[] ids = new int[k];
        for (int r = 0; r < Math.min(k, c.length) && c[order[r]] > 0; r++) {
            ids[r] = order[r];
        }
        return ids;
    }
}
