package dev.condense.kernel.stage.distill;

import java.util.stream.IntStream;

/**
 * Which k of a teacher's M &ge; k matched layers a layer-map entry's k student layers learn from, as in patient
 * knowledge distillation (Sun, Cheng, Gan, Liu. Patient Knowledge Distillation for BERT Model Compression, EMNLP
 * 2019): {@code skip} takes every (M/k)-th layer (PKD-Skip: for M = 12, k = 6 the layers 2, 4, ..., 12, 1-based),
 * {@code last} the last k (PKD-Last: 7 .. 12). With M = k both pair the layers in order.
 */
public enum LayerPick {
    SKIP, LAST;

    /**
     * @param m teacher layers matched, in graph order
     * @param k student layers matched, 1 &le; k &le; m
     * @return the 0-based teacher indices for student layers 0 .. k-1, increasing
     */
    public int[] choose(int m, int k) {
        if (k < 1 || k > m) {
            throw new IllegalArgumentException("cannot pick " + k + " of " + m + " teacher layers");
        }
        return this == LAST ? IntStream.range(m - k, m).toArray()
                : IntStream.range(0, k).map(i -> (int) ((long) (i + 1) * m / k) - 1).toArray();
    }

    /** The recipe spelling: {@code skip} or {@code last}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
