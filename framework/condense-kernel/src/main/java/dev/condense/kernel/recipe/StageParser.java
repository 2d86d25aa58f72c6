package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageKinds;
import dev.condense.kernel.stage.StageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code stages} list of a recipe into {@link StageSpec}s: each item is {@code kind} or {@code {kind: body}};
 * a registered {@link StageKind} parses its body (an empty mapping when bare), any other id is a plugin stage.
 */
final class StageParser {

    private StageParser() {
    }

    /** Reads the stage list; at least one stage. */
    static List<StageSpec> read(NodeRef stages, StageKinds kinds) {
        List<NodeRef> items = stages.elements();
        if (items.isEmpty()) {
            throw stages.fail("stages must list at least one stage");
        }
        List<StageSpec> specs = new ArrayList<>();
        for (NodeRef item : items) {
            specs.add(stage(item, kinds));
        }
        return specs;
    }

    private static StageSpec stage(NodeRef item, StageKinds kinds) {
        Map.Entry<String, Optional<NodeRef>> entry = item.singleEntry("a stage");
        String id = entry.getKey();
        String pointer = item.node().isTextual() ? item.pointer() : LocatedTree.child(item.pointer(), id);
        Location at = item.tree().keyAt(pointer);
        Optional<StageKind> kind = kinds.find(id);
        if (kind.isPresent()) {
            NodeRef body = entry.getValue().orElseGet(() -> new NodeRef(item.tree(), pointer,
                    JsonNodeFactory.instance.objectNode()));
            return kind.get().parse(body, at);
        }
        NodeRef params = entry.getValue().orElseGet(() -> new NodeRef(item.tree(), pointer, NullNode.instance));
        return kinds.plugin().parse(id, params, at, kinds);
    }
}
