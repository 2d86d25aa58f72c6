package dev.condense.kernel.recipe;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The model a recipe starts from: exactly one of a built-in architecture ({@code zoo}) or a model file.
 *
 * @param zoo  a zoo id such as {@code lenet-300-100}, or null
 * @param file the model file, resolved against the recipe file's directory, or null
 */
public record ModelSpec(String zoo, Path file) {

    public ModelSpec {
        if ((zoo == null) == (file == null)) {
            throw new IllegalArgumentException("model needs exactly one of zoo or file");
        }
    }

    /** A built-in architecture. */
    public static ModelSpec zoo(String id) {
        return new ModelSpec(id, null);
    }

    /** A model file. */
    public static ModelSpec file(Path path) {
        return new ModelSpec(null, path);
    }

    public Optional<String> zooId() {
        return Optional.ofNullable(zoo);
    }

    public Optional<Path> modelFile() {
        return Optional.ofNullable(file);
    }
}
