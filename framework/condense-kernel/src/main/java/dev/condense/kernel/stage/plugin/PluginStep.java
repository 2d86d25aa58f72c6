package dev.condense.kernel.stage.plugin;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.stage.Stage;
import dev.condense.api.stage.StageContext;
import dev.condense.kernel.plugin.PluginCalls;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.PluginFailureException;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.Objects;

/**
 * A stage implemented by a {@link Stage} extension, for kinds the kernel does not build in. Preview, like run, calls
 * the plugin (its {@link Stage#preview}, by default the graph unchanged) inside the plugin's class loader.
 *
 * @param stage    the extension; its id is the stage kind
 * @param params   its params, an instance of {@code stage.paramsType()}
 * @param location where the stage is written
 */
public record PluginStep(Stage<?> stage, Record params, Location location) implements PlannedStage {

    public PluginStep {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(location, "location");
        if (!stage.paramsType().isInstance(params)) {
            throw new IllegalArgumentException("params of stage " + stage.id() + " must be a "
                    + stage.paramsType().getSimpleName() + ", was " + params);
        }
    }

    @Override
    public String kind() {
        return stage.id();
    }

    /** Runs the stage with its bound params (the cast is safe by the invariant). */
    public ModelGraph apply(ModelGraph graph, StageContext context) {
        return applyWith(stage, graph, context);
    }

    private <P extends Record> ModelGraph applyWith(Stage<P> s, ModelGraph graph, StageContext context) {
        return s.apply(graph, s.paramsType().cast(params), context);
    }

    private <P extends Record> ModelGraph previewWith(Stage<P> s, ModelGraph graph) {
        return s.preview(graph, s.paramsType().cast(params));
    }

    @Override
    public Preview preview(ModelGraph graph) {
        ModelGraph next;
        try {
            next = PluginCalls.in(stage, () -> previewWith(stage, graph));
        } catch (IllegalArgumentException e) {
            throw new RecipeException(location, "stage " + stage.id() + ": " + e.getMessage());
        }
        return Preview.unchanged(next == null ? graph : next, kind() + ": plugin stage " + stage.summary()
                + (next == graph || next == null ? " (declares no change of names or shapes)" : ""));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        try {
            return PluginCalls.in(stage, () -> apply(graph, run.context()));
        } catch (RuntimeException ex) {
            throw new PluginFailureException("stage '" + kind() + "' failed: " + ex, ex);
        }
    }

    @Override
    public Object resolvedBody() {
        return ResolvedBodies.recordToMap(params);
    }
}
