package dev.condense.api.data;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A split of a labelled data set held in memory.
 *
 * @param features float32 {@code [N, ...]} in the units the model's graph input expects (MNIST: pixels in [0,1],
 *                 shape {@code [N,1,28,28]})
 * @param labels   class indices, float32 {@code [N]} holding integers in {@code [0, numClasses)}
 */
public record DataSplit(INDArray features, INDArray labels) {

    public DataSplit {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (features.size(0) != labels.length()) {
            throw new IllegalArgumentException("features have " + features.size(0) + " rows but labels " + labels.length());
        }
    }

    public long size() {
        return labels.length();
    }
}
