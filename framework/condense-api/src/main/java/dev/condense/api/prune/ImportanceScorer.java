package dev.condense.api.prune;

import dev.condense.api.extension.Extension;
import java.util.Optional;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores the prunable units of one weight tensor; higher means keep.
 *
 * <p>Shapes: for {@link Granularity#ELEMENT} the result has exactly the weight's shape; for NEURON and FILTER it is
 * a vector of length {@code weight.size(0)}; for CHANNEL a vector of length {@code weight.size(1)}. Scores are
 * finite, float32, and comparable within one tensor (the kernel may also rank them across tensors when a recipe
 * asks for global ranking, so scorers should normalise when scales differ by construction).
 *
 * <p>Invariants: never mutates the weight; deterministic for the same inputs, params and seed.
 *
 * @param <P> params record
 */
public interface ImportanceScorer<P extends Record> extends Extension<P> {

    /**
     * Scores the units of {@code request.weight()} at {@code request.granularity()}.
     *
     * @param request the layer, its weight (ONNX layout, read-only), the granularity (one of {@link #granularities()}),
     *                the graph (may be null outside a run) and the stage context (never null; its seed is the only
     *                randomness a scorer may use)
     * @param params  the bound params record
     * @return float32 scores, higher means keep: the weight's shape for ELEMENT, {@code [weight.size(0)]} for NEURON
     *         and FILTER, {@code [weight.size(1)]} for CHANNEL; finite
     * @throws IllegalArgumentException for a granularity this scorer does not support
     * @throws IllegalStateException    when the scorer needs data ({@link #needsData()}) and the request has no
     *                                  graph, naming the layer
     */
    INDArray score(ScoringRequest request, P params);

    /** The granularities this scorer supports; the kernel rejects a recipe asking for another before any work. */
    Set<Granularity> granularities();

    /** True when scoring needs the data set (gradients or activations); false for weight-only scorers. */
    default boolean needsData() {
        return false;
    }

    /**
     * Optional refit after structured removal of input channels (CHANNEL granularity), e.g. ThiNet's least-squares
     * reconstruction (Luo et al. 2017, eq. 6): given the layer before removal ({@code request.weight()} and
     * {@code request.graph()} as scored) and the input channels that stay, the weight to install instead of the plain
     * slice {@code weight[:, keep, ...]}. Shape: the weight's with axis 1 of length {@code keep.length}. The kernel
     * calls this only for layers whose input channels map one index per channel (not a flattened block).
     *
     * @param request the scoring request of the layer, before removal
     * @param keep    kept input-channel indices along axis 1, ascending
     * @return empty (the default) to keep the plain slice
     */
    default Optional<INDArray> refit(ScoringRequest request, long[] keep, P params) {
        return Optional.empty();
    }
}
