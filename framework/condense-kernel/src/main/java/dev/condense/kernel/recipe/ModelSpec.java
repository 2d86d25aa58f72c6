package dev.condense.kernel.recipe;

import dev.condense.engine.nlp.TextClassifierSpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The model a recipe starts from: exactly one of a built-in architecture ({@code zoo}), a model file, or a
 * classifier built from a pretrained text encoder ({@code encoder}).
 *
 * @param zoo     a zoo id such as {@code lenet-300-100}, or null
 * @param file    the model file, resolved against the recipe file's directory, or null
 * @param encoder a sentence-pair classifier over a pretrained encoder, or null
 */
public record ModelSpec(String zoo, Path file, TextClassifierSpec encoder) {

    public ModelSpec {
        int given = (zoo == null ? 0 : 1) + (file == null ? 0 : 1) + (encoder == null ? 0 : 1);
        if (given != 1) {
            throw new IllegalArgumentException("model needs exactly one of zoo, file or encoder");
        }
    }

    /** A zoo model or a model file. */
    public ModelSpec(String zoo, Path file) {
        this(zoo, file, null);
    }

    /** A built-in architecture. */
    public static ModelSpec zoo(String id) {
        return new ModelSpec(id, null, null);
    }

    /** A model file. */
    public static ModelSpec file(Path path) {
        return new ModelSpec(null, path, null);
    }

    /** A classifier over a pretrained text encoder. */
    public static ModelSpec encoder(TextClassifierSpec spec) {
        return new ModelSpec(null, null, spec);
    }

    public Optional<String> zooId() {
        return Optional.ofNullable(zoo);
    }

    public Optional<Path> modelFile() {
        return Optional.ofNullable(file);
    }

    public Optional<TextClassifierSpec> textEncoder() {
        return Optional.ofNullable(encoder);
    }

    /** For reports: {@code zoo:<id>}, the file, or {@code encoder:<description>}. */
    public String describe() {
        return zoo != null ? "zoo:" + zoo : file != null ? file.toString() : "encoder:" + encoder.describe();
    }
}
