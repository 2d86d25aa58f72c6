package dev.condense.kernel.stage.factorize;

import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.RecipeException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a factorize stage's {@code overrides}: the decomposition's params (its rank rule) for the layers a
 * pattern names, e.g.
 * <pre>
 * overrides:
 *   fc1.weight: {rank: 64}          # an exact weight (or node) name
 *   "re:fc[23].*": {energy: 0.8}
 * </pre>
 * An entry's params replace the stage's whole (rank rules exclude each other, so they are not merged); the first
 * entry naming a layer wins.
 *
 * @param pattern the layer name or {@code re:REGEX}, located at its key
 * @param params  the params as written, bound at plan time (errors located there)
 */
public record RankOverride(LayerPattern pattern, NodeRef params) {

    /** Reads the {@code overrides} mapping. */
    static List<RankOverride> read(NodeRef node) {
        if (!node.node().isObject() || node.node().isEmpty()) {
            throw node.fail("overrides maps layer names or re:REGEX to the decomposition's params, e.g."
                    + " {fc1.weight: {rank: 64}}, but found " + node.describe());
        }
        List<RankOverride> out = new ArrayList<>();
        for (var it = node.node().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            NodeRef body = node.child(key);
            Location at = node.tree().keyAt(body.pointer());
            try {
                out.add(new RankOverride(new LayerPattern(key, at), body));
            } catch (IllegalArgumentException e) {
                throw new RecipeException(at, e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * An override with its params bound.
     *
     * @param pattern the layer name or {@code re:REGEX}
     * @param params  the decomposition's params record for the layers it names
     */
    public record Bound(LayerPattern pattern, Record params) {
    }
}
