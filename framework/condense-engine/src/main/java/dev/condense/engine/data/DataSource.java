package dev.condense.engine.data;

import dev.condense.api.data.Dataset;

/** Loads one data set, identified by its recipe id, into memory. Implementations are stateless and thread-safe. */
public interface DataSource {

    /** The recipe id, e.g. {@code mnist}. */
    String id();

    /**
     * Loads, verifies and splits the data set.
     *
     * @throws DataUnavailableException when the files are not given, not cached and cannot be fetched
     * @throws CorruptDataException     when a file is malformed or its hash differs from the recorded one
     */
    Dataset load(DataOptions options);
}
