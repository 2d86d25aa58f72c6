package dev.condense.kernel.stage.quantize;

import dev.condense.kernel.recipe.LayerPattern;
import java.util.Objects;

/**
 * One entry of a quantize stage's {@code overrides}: the layers a pattern names (an exact weight initializer or
 * node name, or {@code re:REGEX} matching the whole name) take these weight options instead of the stage's
 * {@code weights}. Keys an entry does not write keep the stage's values. The first matching entry wins.
 *
 * @param pattern the layer selector as written, with its location (for "matches no layer" and per-layer errors)
 * @param weights the resolved weight options of the matched layers
 */
public record WeightOverride(LayerPattern pattern, QuantizeStageSpec.Weights weights) {
    public WeightOverride {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(weights, "weights");
    }
}
