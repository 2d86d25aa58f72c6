package dev.condense.kernel.plan;

import dev.condense.kernel.recipe.DataSpec;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.stage.PlannedStage;
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
 * @param outputLocation where the output directory was given (see {@code OutputSpec#location})
 */
public record Plan(String name, long seed, ModelSpec model, Optional<DataSpec> data, Path outputDir,
                   List<PlannedStage> stages, Path source, Location outputLocation) {

    public Plan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(outputLocation, "outputLocation");
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one stage");
        }
    }

    /** This plan with its output directory refusals located at {@code where} (a replay points at its provenance). */
    public Plan withOutputLocation(Location where) {
        return new Plan(name, seed, model, data, outputDir, stages, source, where);
    }
}
