package dev.condense.engine.train;

import dev.condense.api.model.Codebook;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Shared-weight fine-tuning (Han, Mao and Dally, "Deep Compression", ICLR 2016, section 3.1 and figure 3): the
 * weights of one cluster keep one value while they train. After every optimizer step each cluster's weights are
 * replaced, in place, by their mean (ND4J segment sum and gather): under SGD that is exactly the paper's centroid
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
    private final Map<String, Clusters> clusters = new LinkedHashMap<>();

    /** One weight's fixed assignment: flat int32 indices {@code [n]} and {@code 1 / size} per cluster {@code [k]}. */
    private record Clusters(INDArray indices, INDArray inverseSizes, int k) {
    }

    /** @param codebooks the codebook of each shared weight (indices fixed; centroids are where training starts) */
    public SharedWeights(Map<String, Codebook> codebooks) {
        codebooks.forEach((name, book) -> {
            INDArray idx = book.indices().reshape(book.indices().length()).dup();
            INDArray sizes = Nd4j.exec(new UnsortedSegmentSum(Nd4j.ones(DataType.FLOAT, idx.length()), idx,
                    book.size()))[0];
            clusters.put(name, new Clusters(idx, Transforms.max(sizes, 1.0).rdiv(1.0), book.size()));
        });
    }

    @Override
    public void lower(Lowering lowering) {
        for (String w : clusters.keySet()) {
            if (!lowering.trainable().contains(w)) {
                throw new IllegalArgumentException("cannot share '" + w + "': not a trainable weight of graph '"
                        + lowering.graph().name() + "'");
            }
        }
    }

    @Override
    public void afterStep(StepState step) {
        clusters.forEach((name, c) -> share(step.weight(name), c));
    }

    /** {@code w <- mean of w's cluster}, in place. */
    static void share(INDArray w, INDArray indices, INDArray inverseSizes, int k) {
        INDArray flat = w.reshape(w.length());
        INDArray means = Nd4j.exec(new UnsortedSegmentSum(flat, indices, k))[0].muli(inverseSizes);
        w.assign(Nd4j.exec(new Gather(means, indices, 0))[0].reshape(w.shape()));
    }

    private static void share(INDArray w, Clusters c) {
        share(w, c.indices(), c.inverseSizes(), c.k());
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
