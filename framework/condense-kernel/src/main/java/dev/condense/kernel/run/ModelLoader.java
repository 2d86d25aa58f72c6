package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.ModelSpec;

/** Builds or imports the model a recipe names: {@code {zoo: id}} (seeded) or {@code {file: model.onnx}}. */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static ModelGraph load(ModelSpec spec, long seed) {
        if (spec.zooId().isPresent()) {
            return Zoo.build(spec.zooId().get(), seed);
        }
        return new OnnxImporter().read(spec.modelFile().orElseThrow());
    }
}
