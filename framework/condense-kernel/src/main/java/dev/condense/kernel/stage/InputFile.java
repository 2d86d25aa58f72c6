package dev.condense.kernel.stage;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A file a stage reads besides the model and the data set, recorded in provenance.yaml with its SHA-256 under
 * {@code <role>s} (e.g. {@code teachers}) and checked by {@code --replay}, which also makes its path in the replayed
 * recipe absolute.
 *
 * @param role the file's role, a lower-case word, e.g. {@code teacher}
 * @param file the file, as the recipe resolved it
 * @param keys the keys from the stage body down to the mapping whose {@code file} names it, e.g. {@code [teacher]}
 */
public record InputFile(String role, Path file, List<String> keys) {

    public InputFile {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(file, "file");
        keys = List.copyOf(keys);
    }

    /** The provenance key listing the files of this role. */
    public String provenanceKey() {
        return role + "s";
    }
}
