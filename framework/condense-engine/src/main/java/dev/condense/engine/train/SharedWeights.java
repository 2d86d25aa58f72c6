package dev.condense.engine.train;

import dev.condense.api.model.Codebook;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared-weight fine-tuning (Han, Mao and Dally, "Deep Compression", ICLR 2016, section 3.1 and figure 3): the
 * weights of one cluster keep one value while they train. After every optimizer step each cluster's weights are
 * replaced, in place, by their mean ({@link Projection}): under SGD that is exactly the paper's centroid
 * update with the cluster's summed gradient divided by its size; under Adam it is the mean of the per-weight steps.
 * The cluster assignment is fixed; a cluster whose centroid is zero (pruned weights) stays zero when the mask is kept
 * applied too ({@link MaskProjection}, listed after this hook).
 *
 * <p>Stated: a straight-through view with cluster-averaged gradients (every weight of a cluster receiving the same
 * gradient, so any element-wise optimizer keeps them equal) was tried first; SameDiff 1.0.0-M2.1's session closed an
 * array of that gradient path between iterations, so the projection is what runs.
 *
 * <p>After training, {@link #codebook} reads the trained centroids back from the weights.
 */
public final class SharedWeights implements TrainingHook {
    private final Map<String, Projection> projections = new LinkedHashMap<>();

    /** @param codebooks the codebook of each shared weight (indices fixed; centroids are where training starts) */
    public SharedWeights(Map<String, Codebook> codebooks) {
        codebooks.forEach((name, book) -> projections.put(name, projection(book)));
    }

    @Override
    public void lower(Lowering lowering) {
        for (String w : projections.keySet()) {
            if (!lowering.trainable().contains(w)) {
                throw new IllegalArgumentException("cannot share '" + w + "': not a trainable weight of graph '"
                        + lowering.graph().name() + "'");
            }
        }
    }

    @Override
    public void afterStep(StepState step) {
        projections.forEach((name, p) -> p.apply(step.weight(name)));
    }

    /** The projection onto the clusters of {@code book} (its indices; its centroids do not matter). */
    public static Projection projection(Codebook book) {
        int[] idx = book.indices().castTo(DataType.INT32).dup().reshape(book.indices().length()).data().asInt();
        return new Projection(idx, book.size());
    }

    /**
     * {@code w <- mean of w's cluster}, in place: one pass summing each cluster in float64, one pass writing the means
     * back. This is index bookkeeping over a flat buffer, written as two Java loops on purpose: every ND4J form measured
     * here cost 40-300x more for LeNet-300-100's fc1 ({@code bench/run.sh SharedWeightsCost}: libnd4j's
     * unsorted_segment_sum 360 ms, gathers in cluster order 550 ms, two products with the one-hot cluster matrix
     * 83 ms, these loops about 1 ms).
     *
     * @param indices the cluster of each element, in the weight's c order {@code [n]}
     * @param k       the number of clusters
     */
    public record Projection(int[] indices, int k) {
        public void apply(INDArray w) {
            float[] values = w.dup('c').data().asFloat();
            double[] sums = new double[k];
            int[] sizes = new int[k];
            for (int i = 0; i < values.length; i++) {
                sums[indices[i]] += values[i];
                sizes[indices[i]]++;
            }
            float[] means = new float[k];
            for (int j = 0; j < k; j++) {
                means[j] = (float) (sums[j] / Math.max(1, sizes[j]));
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = means[indices[i]];
            }
            w.assign(Nd4j.createFromArray(values).reshape('c', w.shape()));
        }
    }

    /**
     * The codebook of a trained shared weight: each centroid is the value its cluster's weights hold (the first of
     * them; a cluster without weights keeps its old centroid), indices unchanged.
     *
     * @throws IllegalStateException if the weights of a cluster differ
     */
    public static Codebook codebook(Codebook before, INDArray trained) {
        float[] flat = trained.castTo(DataType.FLOAT).dup().reshape(trained.length()).data().asFloat();
        int[] idx = before.indices().reshape(before.indices().length()).data().asInt();
        float[] c = before.centroids().data().asFloat();
        boolean[] seen = new boolean[c.length];
        for (int i = 0; i < idx.length; i++) {
            if (!seen[idx[i]]) {
                c[idx[i]] = flat[i];
                seen[idx[i]] = true;
            }
        }
        Codebook after = new Codebook(Nd4j.createFromArray(c), before.indices());
        String problem = after.problemWith(trained);
        if (problem != null) {
            throw new IllegalStateException("shared weights drifted apart: " + problem);
        }
        return after;
    }
}
