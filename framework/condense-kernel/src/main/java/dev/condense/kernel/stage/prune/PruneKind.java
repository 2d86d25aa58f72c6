package dev.condense.kernel.stage.prune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.api.prune.Granularity;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.SparsityRule;
import dev.condense.kernel.recipe.Suggestions;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code prune: {scorer, granularity, sparsity, schedule, layers, structured}}: prune by importance score. The
 * granularity defaults to element; {@code structured} defaults to {@code mask} at element granularity (the only
 * choice there) and {@code remove} at the others.
 */
public final class PruneKind implements StageKind {
    private static final List<String> KEYS = List.of("scorer", "granularity", "sparsity", "schedule", "layers",
            "structured");
    static final List<String> GRANULARITIES = Arrays.stream(Granularity.values())
            .map(g -> g.name().toLowerCase()).toList();

    @Override
    public String id() {
        return "prune";
    }

    @Override
    public boolean bare() {
        return false;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        return PruneSchema.add(defs);
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        ExtensionRef scorer = ExtensionRef.read(body.required("scorer"), "a scorer");
        Optional<NodeRef> granularityNode = body.optional("granularity");
        Granularity granularity = granularityNode.map(PruneKind::granularity).orElse(Granularity.ELEMENT);
        Location granularityAt = granularityNode.map(NodeRef::location).orElse(scorer.location());
        SparsityRule sparsity = SparsityParser.read(body.required("sparsity"));
        Schedule schedule = body.optional("schedule").map(SparsityParser::schedule).orElse(new Schedule.OneShot());
        LayerFilter layers = body.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
        Structured structured = body.optional("structured").map(n -> structured(n, granularity))
                .orElse(granularity == Granularity.ELEMENT ? Structured.MASK : Structured.REMOVE);
        return new PruneStageSpec(scorer, granularity, granularityAt, sparsity, schedule, layers, structured, at);
    }

    private static Structured structured(NodeRef node, Granularity granularity) {
        String value = node.asText();
        List<String> ids = Arrays.stream(Structured.values()).map(Structured::id).toList();
        if (!ids.contains(value)) {
            throw node.fail("unknown structured mode " + Quote.single(value) + Suggestions.hint(value, ids) + "; one of: "
                    + String.join(", ", ids));
        }
        if (granularity == Granularity.ELEMENT) {
            throw node.fail("structured applies to neuron, filter and channel granularity; element pruning always masks");
        }
        return Structured.valueOf(value.toUpperCase());
    }

    private static Granularity granularity(NodeRef node) {
        String value = node.asText();
        if (!GRANULARITIES.contains(value)) {
            throw node.fail("unknown granularity " + Quote.single(value) + Suggestions.hint(value, GRANULARITIES)
                    + "; one of: " + String.join(", ", GRANULARITIES));
        }
        return Granularity.valueOf(value.toUpperCase());
    }
}
