package dev.condense.kernel.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;

/**
 * One built-in kind of recipe stage ({@code train}, {@code prune}, ...), owning every phase of its stages: it parses
 * a body ({@link #parse}) into a {@link StageSpec}, which plans itself ({@link StageSpec#plan}) into a
 * {@link PlannedStage}, which previews, runs, writes its resolved body and names its input files. Kinds are registered
 * once, in {@link StageKindsModule}; every dispatch site (loader, planner, schema, preflight, runner, resolved
 * recipe, provenance, replay, validate) loops over them. Stage kinds a plugin contributes go through
 * {@link dev.condense.kernel.stage.plugin.PluginKind}, the fallback for ids no kind claims.
 */
public interface StageKind {

    /** The id written in recipes, kebab-case, e.g. {@code prune}; unique among the registered kinds. */
    String id();

    /** True when the bare form {@code - id} (no body) is valid, i.e. every key of the body has a default. */
    boolean bare();

    /**
     * The JSON Schema of the body. The kind may add its own definitions to {@code defs} (keys prefixed with its id
     * are its own) and refer to the shared ones: {@code train-body}, {@code layers}, {@code var-ref}, {@code scorer},
     * {@code loss}.
     */
    ObjectNode schema(ObjectNode defs);

    /**
     * Reads a stage body; every problem is a {@link dev.condense.kernel.recipe.RecipeException} located in the body.
     *
     * @param body the body as written, an empty mapping when the stage is written bare
     * @param at   where the kind's key is written
     */
    StageSpec parse(NodeRef body, Location at);
}
