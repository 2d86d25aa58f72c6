package dev.condense.kernel;

import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.Planner;
import dev.condense.kernel.plugin.CondensePluginManager;
import dev.condense.kernel.plugin.ExtensionRegistry;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.recipe.RecipeOverride;
import dev.condense.kernel.run.PipelineRunner;
import dev.condense.kernel.run.Preflight;
import dev.condense.kernel.run.RunOptions;
import dev.condense.kernel.run.RunResult;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's front door, for the CLI and for embedders: validate a recipe, run it, list plugins.
 */
public final class Kernel {
    private final CondensePluginManager plugins;
    private final ExtensionRegistry registry;
    private final PipelineRunner runner;

    @Inject
    public Kernel(CondensePluginManager plugins, ExtensionRegistry registry, PipelineRunner runner) {
        this.plugins = plugins;
        this.registry = registry;
        this.runner = runner;
    }

    /**
     * Reads, checks and plans a recipe, resolving every id, and checks its layer selectors against the model.
     * Runs nothing.
     *
     * @throws dev.condense.kernel.recipe.RecipeException with file, line and column
     */
    public Validation validate(Path recipe) {
        return validate(recipe, List.of());
    }

    /** As {@link #validate(Path)}, with {@code --set} overrides applied to the recipe. */
    public Validation validate(Path recipe, List<RecipeOverride> overrides) {
        Plan plan = new Planner(registry).plan(RecipeLoader.load(recipe, overrides));
        ModelGraph graph = dev.condense.kernel.run.ModelLoader.load(plan.model(), plan.seed());
        Preflight.check(plan, graph);
        return new Validation(plan, Preflight.layerTargets(plan, graph));
    }

    /**
     * A checked plan and, per prune stage (by stage index, 1-based), the target sparsity of every layer it touches.
     */
    public record Validation(Plan plan, java.util.Map<Integer, java.util.Map<String, Double>> pruneTargets) {
    }

    /** Validates and runs a recipe, writing its output directory atomically. */
    public RunResult run(Path recipe, RunOptions options) throws IOException {
        return run(recipe, options, List.of());
    }

    /** As {@link #run(Path, RunOptions)}, with {@code --set} overrides applied to the recipe. */
    public RunResult run(Path recipe, RunOptions options, List<RecipeOverride> overrides) throws IOException {
        Plan plan = new Planner(registry).plan(RecipeLoader.load(recipe, overrides));
        return runner.run(plan, options);
    }

    /**
     * Runs a recipe again from a run's provenance.yaml, refusing when an installed plugin's version or zip differs
     * from the recorded one; the output goes to the original output directory with {@code -replay} appended.
     */
    public RunResult replay(Path provenance, RunOptions options) throws IOException {
        return run(dev.condense.kernel.run.Replay.prepare(provenance, plugins.pluginZips()), options);
    }

    public CondensePluginManager plugins() {
        return plugins;
    }

    public ExtensionRegistry registry() {
        return registry;
    }
}
