package dev.condense.api.data;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A split of a labelled data set held in memory.
 *
 * @param features float32 {@code [N, ...]} in the units the model's graph input expects (MNIST: pixels in [0,1],
 *                 shape {@code [N,1,28,28]})
 * @param labels     class indices, float32 {@code [N]} holding integers in {@code [0, numClasses)}
 * @param rationales per-row rationale of a second training task, or null: float32 {@code [N, T]} holding the word-piece
 *                   ids (in the text model's tokenizer vocabulary, no special tokens) of one human explanation of the
 *                   row, cut to {@code T} pieces, 0 (the pad id) after its end; or {@code [N, K, T]}, K explanations
 *                   a row (a training step then uses one of them per row); read only by losses that ask for them
 *                   ({@link dev.condense.api.loss.LossFunction#rationales()}), never by the model
 */
public record DataSplit(INDArray features, INDArray labels, INDArray rationales) {

    public DataSplit {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (features.size(0) != labels.length()) {
            throw new IllegalArgumentException("features have " + features.size(0) + " rows but labels " + labels.length());
        }
        if (rationales != null && (rationales.rank() < 2 || rationales.rank() > 3
                || rationales.size(0) != labels.length())) {
            throw new IllegalArgumentException("rationales must be [N, T] or [N, K, T] with N = " + labels.length() + ", were "
                    + java.util.Arrays.toString(rationales.shape()));
        }
    }

    /** A split without rationales. */
    public DataSplit(INDArray features, INDArray labels) {
        this(features, labels, null);
    }

    public long size() {
        return labels.length();
    }
}
