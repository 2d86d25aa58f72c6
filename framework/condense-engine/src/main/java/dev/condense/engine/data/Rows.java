package dev.condense.engine.data;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gathers rows of an array with one ND4J {@code pullRows} (no Java loop over elements). */
final class Rows {

    private Rows() {
    }

    /**
     * @param a    array {@code [N, d1, d2, ...]}
     * @param rows indices in {@code [0, N)}
     * @return a new array {@code [rows.length, d1, d2, ...]} of the same type, rows in the given order
     */
    static INDArray take(INDArray a, int[] rows) {
        long[] shape = a.shape().clone();
        shape[0] = rows.length;
        if (rows.length == 0) {
            return Nd4j.create(a.dataType(), shape);
        }
        long n = a.size(0);
        INDArray flat = a.rank() == 2 ? a : a.reshape('c', n, a.length() / Math.max(n, 1));
        if (a.rank() == 1) {
            flat = a.reshape('c', n, 1);
        }
        for (int r : rows) {
            if (r < 0 || r >= n) {
                throw new IndexOutOfBoundsException("row " + r + " outside [0, " + n + ")");
            }
        }
        INDArray picked = Nd4j.pullRows(flat, 1, Arrays.copyOf(rows, rows.length));
        return picked.reshape('c', shape);
    }
}
