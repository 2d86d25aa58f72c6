package dev.condense.engine.graph;

import java.util.Arrays;

/** Numpy-style (multidirectional) broadcasting of two shapes, as ONNX elementwise ops use it; {@code -1} is dynamic. */
public final class Broadcast {
    private Broadcast() {
    }

    /** The broadcast shape of {@code x} and {@code y}; a dynamic dim against 1 or itself stays dynamic. */
    public static long[] shape(long[] x, long[] y) {
        int rank = Math.max(x.length, y.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long dx = i < rank - x.length ? 1 : x[i - (rank - x.length)];
            long dy = i < rank - y.length ? 1 : y[i - (rank - y.length)];
            if (dx != dy && dx != 1 && dy != 1 && dx != -1 && dy != -1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(x) + " and " + Arrays.toString(y)
                        + " do not broadcast");
            }
            out[i] = dx == 1 ? dy : dx;
        }
        return out;
    }
}
