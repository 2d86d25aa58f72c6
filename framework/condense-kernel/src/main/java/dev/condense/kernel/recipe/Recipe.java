package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.StageSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A recipe as read and checked by {@link RecipeLoader}: every key known, every value typed and in range. Extension
 * ids are not resolved yet; the {@code dev.condense.kernel.plan.Planner} does that.
 *
 * @param source the recipe file
 * @param name   the recipe name, kebab-case
 * @param seed   the seed, default 0
 * @param model  the input model
 * @param data   the data set, when the recipe names one
 * @param stages the stages in order, at least one
 * @param output the output directory
 */
public record Recipe(Path source, String name, long seed, ModelSpec model, Optional<DataSpec> data,
                     List<StageSpec> stages, OutputSpec output) {

    public Recipe {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(output, "output");
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a recipe needs at least one stage");
        }
    }
}
