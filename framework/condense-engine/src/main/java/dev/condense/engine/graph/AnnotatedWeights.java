package dev.condense.engine.graph;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * New values for an initializer that may carry annotations, kept consistent with them (the {@link ModelGraph}
 * invariant): a weight with an {@link AffineQuantization} is projected onto its grid
 * ({@link AffineQuantization#project}); a weight with a {@link Codebook} is re-assigned to its nearest centroid
 * (centroids unchanged, new indices, nearest by ND4J argmax of the negated distance in chunks of {@value #CHUNK});
 * a mask is applied after either. Other values are put as given. Used where a stage writes trained values back
 * (the trainer), so training a quantized model ends on quantized values instead of failing in
 * {@code build()}. Fake quantization during training (straight-through estimator) is the training hooks' job;
 * this is the projection after it.
 */
public final class AnnotatedWeights {
    /** Weights assigned per chunk when re-assigning codebook indices: bounds the [chunk, k] distance matrix. */
    static final int CHUNK = 1 << 14;

    private AnnotatedWeights() {
    }

    /** Puts {@code value} (float32, the initializer's shape) for {@code name} into {@code out}, as the class says. */
    public static void put(ModelGraph.Builder out, ModelGraph before, String name, INDArray value) {
        INDArray v = value;
        Optional<AffineQuantization> affine = before.annotation(name, AffineQuantization.class);
        Optional<Codebook> book = before.annotation(name, Codebook.class);
        if (affine.isEmpty() && book.isEmpty()) {
            out.initializer(name, value); // a plain or masked weight: as given (the trainer keeps masks itself)
            return;
        }
        if (affine.isPresent()) {
            v = affine.get().project(v);
        } else if (book.isPresent()) {
            Codebook nearest = nearest(book.get().centroids(), v);
            out.annotate(name, nearest);
            v = nearest.weights();
        }
        INDArray mask = before.masks().get(name);
        out.initializer(name, mask == null ? v : v.mul(mask));
    }

    /** The codebook of {@code centroids} ({@code [k]}) whose indices pick, per weight of {@code w}, the nearest one. */
    static Codebook nearest(INDArray centroids, INDArray w) {
        long n = w.length();
        INDArray flat = w.castTo(DataType.FLOAT).reshape(n);
        INDArray idx = Nd4j.create(DataType.INT64, n);
        INDArray c = centroids.reshape(1, centroids.length());
        for (long from = 0; from < n; from += CHUNK) {
            long to = Math.min(n, from + CHUNK);
            INDArray part = flat.get(NDArrayIndex.interval(from, to)).reshape(to - from, 1);
            INDArray distance = org.nd4j.linalg.ops.transforms.Transforms.abs(part.sub(c), false);
            idx.get(NDArrayIndex.interval(from, to)).assign(distance.neg().argMax(1).castTo(DataType.INT64));
        }
        return new Codebook(centroids, idx.reshape(w.shape()));
    }
}
