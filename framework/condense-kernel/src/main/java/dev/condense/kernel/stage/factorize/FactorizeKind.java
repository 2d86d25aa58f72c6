package dev.condense.kernel.stage.factorize;

import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;

/**
 * {@code factorize: {decomposition: {svd: {rank: 32}}, layers: {...}, overrides: {fc1.weight: {rank: 64}}}}:
 * low-rank factorization. Each selected
 * fully connected layer is split by the {@code Decomposition} extension into the factors of its layout and the node
 * is replaced by the factor layers; a layer whose MACs would not drop is left as it is and reported with the reason.
 * No bare form: the decomposition and its rank rule (rank or energy) are always written.
 */
public final class FactorizeKind implements StageKind {
    private static final List<String> KEYS = List.of("decomposition", "layers", "overrides");

    @Override
    public String id() {
        return "factorize";
    }

    @Override
    public boolean bare() {
        return false;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode c = object("low-rank factorization: each selected layer is replaced by its factors when its MACs"
                + " drop");
        props(c).set("decomposition", ref("decomposition"));
        props(c).set("layers", ref("layers"));
        ObjectNode overrides = object("per-layer params of the decomposition (its rank rule), by layer name or"
                + " re:REGEX, e.g. {fc1.weight: {rank: 64}}; an entry replaces the stage's params");
        overrides.set("additionalProperties", object("the decomposition's params for these layers"));
        props(c).set("overrides", overrides);
        c.putArray("required").add("decomposition");
        defs.set("factorize-body", c);
        return ref("factorize-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        ExtensionRef decomposition = ExtensionRef.read(body.required("decomposition"), "a decomposition");
        LayerFilter layers = body.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
        List<RankOverride> overrides = body.optional("overrides").map(RankOverride::read).orElse(List.of());
        return new FactorizeStageSpec(decomposition, layers, overrides, at);
    }
}
