package dev.condense.kernel.stage.prune;

import static dev.condense.kernel.schema.SchemaNodes.NODES;
import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.oneOfStrings;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;
import static dev.condense.kernel.schema.SchemaNodes.single;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON Schema of a prune body and its definitions ({@code sparsity}, {@code schedule}, {@code prune-body}),
 * written by hand from {@link PruneKind} and {@link SparsityParser}: change them together.
 */
final class PruneSchema {
    private PruneSchema() {
    }

    /** Adds the prune definitions to {@code defs}; returns a reference to the body. */
    static ObjectNode add(ObjectNode defs) {
        ObjectNode fraction = NODES.objectNode().put("type", "number").put("minimum", 0).put("exclusiveMaximum", 1);
        ObjectNode selectors = NODES.objectNode().put("type", "object").put("description",
                "layer name or re:REGEX -> sparsity, first match wins, then default");
        selectors.set("additionalProperties", orVar(fraction.deepCopy()));
        ObjectNode sparsity = NODES.objectNode();
        ObjectNode global = object("one ranking over every targeted layer; floor = share of each layer always kept");
        props(global).set("global", orVar(fraction.deepCopy()));
        props(global).set("floor", orVar(NODES.objectNode().put("type", "number").put("minimum", 0).put("maximum", 1)
                .put("default", 0)));
        global.putArray("required").add("global");
        sparsity.putArray("anyOf").add(fraction.deepCopy()).add(ref("var-ref")).add(global).add(selectors);
        defs.set("sparsity", sparsity);

        ObjectNode iterative = object(null);
        props(iterative).set("steps", orVar(integer(1, 1000)));
        props(iterative).set("finetune", ref("train-body"));
        props(iterative).set("ramp", orVar(oneOfStrings(List.of("cubic", "linear")).put("default", "cubic")));
        iterative.putArray("required").add("steps");
        ObjectNode schedules = single(NODES.objectNode());
        ObjectNode agp = object("automated gradual pruning (Zhu and Gupta 2017): cubic from start to the target");
        props(agp).set("steps", orVar(integer(1, 1000)));
        props(agp).set("finetune", ref("train-body"));
        props(agp).set("start", orVar(fraction.deepCopy().put("default", 0)));
        agp.putArray("required").add("steps").add("finetune");
        schedules.putObject("properties").<ObjectNode>set("iterative", iterative).set("agp", agp);
        ObjectNode schedule = NODES.objectNode();
        schedule.putArray("anyOf").add(oneOfStrings(List.of("one-shot"))).add(schedules);
        defs.set("schedule", schedule);

        ObjectNode prune = object("prune by importance score");
        props(prune).set("scorer", orVar(ref("scorer")));
        props(prune).set("granularity", orVar(oneOfStrings(PruneKind.GRANULARITIES).put("default", "element")));
        props(prune).set("sparsity", ref("sparsity"));
        props(prune).set("schedule", ref("schedule"));
        props(prune).set("layers", ref("layers"));
        props(prune).set("structured", orVar(oneOfStrings(List.of("remove", "mask"))
                .put("description", "neuron/filter/channel: remove units physically (default) or mask them")));
        prune.putArray("required").add("scorer").add("sparsity");
        defs.set("prune-body", prune);
        return ref("prune-body");
    }
}
