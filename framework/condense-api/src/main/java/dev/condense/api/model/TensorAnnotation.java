package dev.condense.api.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * State a weight carries beside its float values in the IR, kept by {@link ModelGraph} per initializer and
 * materialized only when the graph is exported: a pruning {@link WeightMask}, an {@link AffineQuantization}
 * (scale, zero point, axis, bits), a {@link Codebook} (shared centroids and per-weight indices) or
 * {@link HalfPrecision} (float16 storage).
 *
 * <p>The IR stays float: the annotated initializer always holds the values the annotation stands for (masked
 * zeros, dequantized values, {@code centroids[indices]}, float16 values), so training, lowering, statistics and scorers work on
 * float32 arrays and never need to know about the annotation. {@link ModelGraph.Builder#build()} checks that
 * agreement with {@link #problemWith}. A tensor carries at most one annotation of each type, and at most one of an
 * affine quantization, a codebook and float16 storage.
 *
 * <p>Arrays handed to an annotation are owned by it, as initializers are owned by the graph: do not mutate them.
 */
public sealed interface TensorAnnotation permits WeightMask, AffineQuantization, Codebook, HalfPrecision {

    /**
     * Why {@code weight} (the annotated initializer's float values) disagrees with this annotation, or null when it
     * agrees. Shapes are checked first; value checks are exact (no tolerance), in O(elements) ND4J ops.
     */
    String problemWith(INDArray weight);

    /** A short name of the annotation's type for messages and listings: {@code mask}, {@code affine}, {@code codebook}, {@code float16}. */
    String kind();
}
