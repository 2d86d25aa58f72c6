package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.condense.engine.text.Quote;
import java.util.List;

/**
 * Applies {@code --set} overrides to a merged recipe tree, in order. A target that is a key of {@code vars} sets that
 * var (vars win over a top-level key of the same name; {@code vars.NAME} reaches the var explicitly); any other target
 * is a dotted path ({@link TreePaths}) that must name an existing value. The value replaces it and is located on the
 * command line.
 */
final class TreeOverrides {

    private TreeOverrides() {
    }

    static void apply(TreeEdit edit, List<RecipeOverride> overrides) {
        for (RecipeOverride o : overrides) {
            JsonNode vars = edit.get(LocatedTree.child("", VarSubstitution.VARS));
            String pointer;
            if (vars.isObject() && vars.has(o.target())) {
                pointer = LocatedTree.child(LocatedTree.child("", VarSubstitution.VARS), o.target());
            } else {
                pointer = TreePaths.resolve(edit.root(), o.target()).orElseThrow(() -> new RecipeException(o.location(),
                        "--set " + Quote.single(o.target()) + " names no var and no value of the recipe: "
                                + TreePaths.explain(edit.root(), o.target())));
            }
            edit.put(pointer, o.value().deepCopy(), o.valueLocation());
        }
    }
}
