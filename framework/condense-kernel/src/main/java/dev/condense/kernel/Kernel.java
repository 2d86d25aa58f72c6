package dev.condense.kernel;

import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.Planner;
import dev.condense.kernel.plugin.CondensePluginManager;
import dev.condense.kernel.plugin.ExtensionRegistry;
import dev.condense.kernel.plugin.FailedPluginHints;
import dev.condense.kernel.plugin.PluginHost;
import dev.condense.kernel.plugin.PluginInfo;
import dev.condense.kernel.plugin.PluginStatus;
import dev.condense.kernel.plugin.RegisteredExtension;
import dev.condense.kernel.plugin.ReloadSummary;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.recipe.RecipeOverride;
import dev.condense.kernel.run.GuardedPaths;
import dev.condense.kernel.run.OutputGuard;
import dev.condense.kernel.run.PipelineRunner;
import dev.condense.kernel.run.Preflight;
import dev.condense.kernel.run.RunOptions;
import dev.condense.kernel.run.RunResult;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.StageKinds;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's front door, for the CLI and for embedders: validate a recipe, run it, list, describe and reload
 * plugins. Each validate or run plans against the registry current at that moment, so a {@link #reload()} between
 * runs takes effect without restarting the JVM.
 */
public final class Kernel {
    private final PluginHost host;
    private final PipelineRunner runner;
    private final StageKinds kinds;

    @Inject
    public Kernel(PluginHost host, PipelineRunner runner, StageKinds kinds) {
        this.host = host;
        this.runner = runner;
        this.kinds = kinds;
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
        return validate(recipe, overrides, false);
    }

    /**
     * As {@link #validate(Path, List)}, checking the output directory as {@code run} would (with {@code --force}
     * when {@code force}): a directory the run would refuse is reported here, at {@code output.dir}.
     */
    public Validation validate(Path recipe, List<RecipeOverride> overrides, boolean force) {
        Plan plan = plan(recipe, overrides);
        OutputGuard.Outcome output = OutputGuard.check(plan.outputDir(), plan.outputLocation(),
                GuardedPaths.of(plan, null, null), force, false);
        ModelGraph graph = dev.condense.kernel.run.ModelLoader.load(plan.model(), plan.seed());
        return new Validation(plan, Preflight.check(plan, graph), output);
    }

    /**
     * A checked plan, per stage (in order) what it will do on the graph the stages before it are predicted to
     * produce, and what a run would do to the output directory.
     */
    public record Validation(Plan plan, List<Preview> previews, OutputGuard.Outcome output) {
    }

    /** Validates and runs a recipe, writing its output directory atomically. */
    public RunResult run(Path recipe, RunOptions options) throws IOException {
        return run(recipe, options, List.of());
    }

    /** As {@link #run(Path, RunOptions)}, with {@code --set} overrides applied to the recipe. */
    public RunResult run(Path recipe, RunOptions options, List<RecipeOverride> overrides) throws IOException {
        return runner.run(plan(recipe, overrides), options);
    }

    /**
     * Runs a recipe again from a run's provenance.yaml, refusing when an installed plugin's version or zip differs
     * from the recorded one; the output goes to the original output directory with {@code -replay} appended.
     */
    public RunResult replay(Path provenance, RunOptions options) throws IOException {
        Path recipe = dev.condense.kernel.run.Replay.prepare(provenance, host.manager().pluginZips());
        try {
            Plan plan = plan(recipe, List.of()).withOutputLocation(dev.condense.kernel.recipe.Location.ofFile(provenance));
            List<OutputGuard.Guarded> guarded = new ArrayList<>(GuardedPaths.of(plan, options.dataDir(), options.cacheDir()));
            guarded.add(new OutputGuard.Guarded(provenance.toAbsolutePath().normalize(), "the provenance file"));
            OutputGuard.check(plan.outputDir(), plan.outputLocation(), guarded, options.force(), options.resume());
            return runner.run(plan, options);
        } finally {
            dev.condense.kernel.plugin.FileTrees.deleteQuietly(recipe.getParent()); // the temporary replay recipe
        }
    }

    /** Plans against the current registry; an id of a failed plugin is reported as such (exit 2), with the reason. */
    private Plan plan(Path recipe, List<RecipeOverride> overrides) {
        var parsed = RecipeLoader.load(recipe, overrides, kinds);
        ExtensionRegistry registry = host.registry();
        try {
            return new Planner(registry, kinds).plan(parsed);
        } catch (RecipeException e) {
            throw FailedPluginHints.explain(e, registry, host.statuses());
        }
    }

    /**
     * Rescans the plugins directory: unloads plugins whose zip was removed or replaced (by SHA-256), loads new and
     * replaced ones, and rebuilds the registry. Call between runs, not during one.
     */
    public ReloadSummary reload() {
        return host.reload();
    }

    /** Every plugin zip with its state (STARTED, FAILED, DISABLED), reason and extension ids. */
    public List<PluginStatus> pluginStatuses() {
        return host.statuses();
    }

    /** What {@code condense plugins info ID} shows: one entry per extension point that has {@code id} (usually one). */
    public List<PluginInfo> pluginInfo(String id) {
        List<PluginInfo> out = new ArrayList<>();
        List<PluginStatus> statuses = host.statuses();
        for (RegisteredExtension e : host.registry().registrations(id)) {
            statuses.stream().filter(s -> s.pluginId().equals(e.pluginId())).findFirst()
                    .ifPresent(s -> out.add(PluginInfo.of(e, s)));
        }
        return out;
    }

    /** The registered stage kinds. */
    public StageKinds kinds() {
        return kinds;
    }

    /** The plugin host (reload, statuses, the PF4J manager). */
    public PluginHost host() {
        return host;
    }

    /** The PF4J plugin manager. */
    public CondensePluginManager plugins() {
        return host.manager();
    }

    /** The current extension registry (replaced by each reload that changes something). */
    public ExtensionRegistry registry() {
        return host.registry();
    }
}
