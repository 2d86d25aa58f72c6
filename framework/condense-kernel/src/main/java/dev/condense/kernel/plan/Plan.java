package dev.condense.kernel.plan;

import dev.condense.kernel.recipe.DataSpec;
import dev.condense.kernel.recipe.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A recipe with every id resolved and every params record bound: what the runner executes.
 *
 * @param name      the recipe name
 * @param seed      the recipe seed
 * @param model     the input model
 * @param data      the data set, when the recipe names one
 * @param outputDir the output directory, absolute
 * @param stages    the steps, in order, at least one
 * @param source    the recipe file the plan came from
 */
public record Plan(String name, long seed, ModelSpec model, Optional<DataSpec> data, Path outputDir,
                   List<PlannedStage> stages, Path source) {

    public Plan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(source, "source");
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one stage");
        }
    }
}
