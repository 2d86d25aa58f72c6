package dev.condense.engine.codec;

import dev.condense.engine.onnx.Half;
import java.util.Arrays;

/**
 * How a coded layer stores its shared values in {@code model.cz}: IEEE 754 binary32, or binary16 (Deep Compression's
 * codebooks are tiny next to the coded streams, but on a small layer, e.g. LeNet-5's conv1 with 170 kept weights and
 * up to 63 centroids, they are a large share). A float16 layer's centroids are binary16 values exactly, so decoding
 * restores the coded weights bit for bit; {@link #project} makes a codebook so before it is coded.
 */
public enum CentroidPrecision {
    /** binary32, 4 bytes a centroid (container version 1 stores only this). */
    FLOAT32(0, 4),
    /** binary16, 2 bytes a centroid (container version 2). */
    FLOAT16(1, 2);

    private final int code;
    private final int bytes;

    CentroidPrecision(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The byte that names this precision in a version-2 container. */
    public int code() {
        return code;
    }

    /** Bytes a centroid takes. */
    public int bytes() {
        return bytes;
    }

    /** The recipe's name: {@code float32} or {@code float16}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The precision with container code {@code code}, or null. */
    public static CentroidPrecision ofCode(int code) {
        return Arrays.stream(values()).filter(p -> p.code == code).findFirst().orElse(null);
    }

    /**
     * {@code centroids} as this precision stores them: unchanged for float32; for float16 each rounded to the
     * nearest binary16 value (ties to even), with a negative zero made positive (a centroid that rounds to zero then
     * codes as a pruned weight, and decodes as +0). Codebooks hold at most 256 values.
     */
    public float[] project(float[] centroids) {
        float[] out = centroids.clone();
        if (this == FLOAT16) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Half.round(out[i]) + 0f;
            }
        }
        return out;
    }

    /** True when every value of {@code centroids} is stored exactly at this precision. */
    public boolean holds(float[] centroids) {
        return Arrays.equals(project(centroids), centroids);
    }
}
