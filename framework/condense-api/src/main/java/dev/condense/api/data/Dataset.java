package dev.condense.api.data;

import java.util.Objects;
import java.util.Optional;

/**
 * A labelled classification data set, already split.
 *
 * @param id         the recipe id, e.g. {@code mnist}
 * @param train      the training split (without the validation rows, when a validation fraction was asked for)
 * @param validation held-out rows taken from the training data by a seeded split, or null
 * @param test       the official test split
 * @param numClasses number of classes; labels lie in {@code [0, numClasses)}
 * @param sha256     hash of the source files, recorded in provenance
 */
public record Dataset(String id, DataSplit train, DataSplit validation, DataSplit test, int numClasses, String sha256) {

    public Dataset {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, was " + numClasses);
        }
    }

    public Optional<DataSplit> validationSplit() {
        return Optional.ofNullable(validation);
    }
}
