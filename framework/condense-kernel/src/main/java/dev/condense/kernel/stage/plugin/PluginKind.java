package dev.condense.kernel.stage.plugin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.api.extension.Extension;
import dev.condense.api.extension.ExtensionIds;
import dev.condense.api.stage.Stage;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.plan.ExtensionLookup;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.Suggestions;
import dev.condense.kernel.schema.ParamsSchema;
import dev.condense.kernel.schema.SchemaNodes;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.StageKinds;
import java.util.SortedSet;

/**
 * The kind of every stage id that no registered {@link dev.condense.kernel.stage.StageKind} claims: a stage a plugin
 * implements as a {@link Stage} extension, whose id is the stage kind. The body is the extension's params, bound
 * by the planner; a bare {@code - id} binds as {@code {}}.
 */
public final class PluginKind {

    /** Reads a plugin stage: any kebab-case id; the extension is looked up when planning. */
    public PluginStageSpec parse(String kind, NodeRef params, Location at, StageKinds kinds) {
        if (!ExtensionIds.isValid(kind)) {
            throw new RecipeException(at, "unknown stage kind " + Quote.single(kind) + Suggestions.hint(kind, kinds.ids())
                    + "; built-in kinds: " + String.join(", ", kinds.ids()));
        }
        return new PluginStageSpec(kind, params, at);
    }

    /** The params schema of every installed {@link Stage}, by id. */
    public ObjectNode schemas(ExtensionLookup lookup) {
        ObjectNode stages = SchemaNodes.NODES.objectNode();
        for (String id : lookup.ids(PlanContext.<Stage<?>>point(Stage.class))) {
            Extension<?> e = lookup.find(PlanContext.<Stage<?>>point(Stage.class), id).orElseThrow();
            stages.set(id, ParamsSchema.of(e.paramsType()).put("description", e.summary()));
        }
        return stages;
    }

    /** The located error for a stage id that is neither built in nor installed, with "did you mean". */
    static RecipeException unknown(PluginStageSpec c, PlanContext context) {
        SortedSet<String> plugins = context.lookup().ids(PlanContext.<Stage<?>>point(Stage.class));
        SortedSet<String> builtIn = context.kinds().ids();
        SortedSet<String> all = new java.util.TreeSet<>(builtIn);
        all.addAll(plugins);
        return new RecipeException(c.location(), "unknown stage kind " + Quote.single(c.kind()) + Suggestions.hint(c.kind(), all)
                + "; built-in kinds: " + String.join(", ", builtIn)
                + "; plugin stages: " + (plugins.isEmpty() ? "none" : String.join(", ", plugins)));
    }
}
