package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.nlp.EncoderFiles;
import dev.condense.engine.nlp.TextClassifier;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.ModelSpec;
import java.nio.file.Path;

/**
 * Builds or imports the model a recipe names: {@code {zoo: id}} (seeded), {@code {file: model.onnx}}, or
 * {@code {encoder: {...}}} (a pretrained encoder from the cache, {@link EncoderFiles}, with a seeded head).
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** As {@link #load(ModelSpec, long, Path)} with the default cache directory. */
    public static ModelGraph load(ModelSpec spec, long seed) {
        return load(spec, seed, null);
    }

    /** @param cacheDir where encoder files are cached, or null for {@link DataOptions#defaultCacheDir()} */
    public static ModelGraph load(ModelSpec spec, long seed, Path cacheDir) {
        if (spec.zooId().isPresent()) {
            return Zoo.build(spec.zooId().get(), seed);
        }
        if (spec.textEncoder().isPresent()) {
            var text = spec.textEncoder().get();
            return TextClassifier.build(text, encoderFiles(spec, cacheDir), seed);
        }
        return new OnnxImporter().read(spec.modelFile().orElseThrow());
    }

    /** The files of the spec's text encoder (cached on first use). */
    public static EncoderFiles encoderFiles(ModelSpec spec, Path cacheDir) {
        return EncoderFiles.locate(spec.textEncoder().orElseThrow().source(),
                cacheDir == null ? DataOptions.defaultCacheDir() : cacheDir);
    }
}
