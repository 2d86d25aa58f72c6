package dev.condense.engine.data;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One whole file pair (features and labels) of a generic data set, as read, before any split.
 *
 * @param features     float32 {@code [N, ...]} (e.g. {@code [N, F]} from CSV, {@code [N, 1, H, W]} from IDX images)
 * @param labels       float32 {@code [N]} class indices (checked to be integers >= 0 by {@link DirectorySource})
 * @param labelSource  file the labels came from, for error messages
 * @param sha256ByFile SHA-256 (lower-case hex) of each file's content, by file name
 */
record LabelledArrays(INDArray features, INDArray labels, String labelSource, Map<String, String> sha256ByFile) {

    LabelledArrays {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(labelSource, "labelSource");
        sha256ByFile = Map.copyOf(new TreeMap<>(sha256ByFile));
        if (features.dataType() != DataType.FLOAT || labels.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("features and labels must be float32");
        }
        if (features.rank() < 1 || labels.rank() != 1) {
            throw new CorruptDataException(labelSource + ": labels must be one-dimensional [N], shape is "
                    + java.util.Arrays.toString(labels.shape()));
        }
        if (features.size(0) != labels.length()) {
            throw new CorruptDataException(labelSource + ": " + labels.length() + " labels for " + features.size(0)
                    + " feature rows");
        }
    }

    int rows() {
        return (int) labels.length();
    }
}
