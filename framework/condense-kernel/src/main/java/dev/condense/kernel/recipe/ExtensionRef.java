package dev.condense.kernel.recipe;

import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A reference to an extension in a recipe, as written: {@code magnitude} or {@code {magnitude: {norm: l1}}}.
 * The planner resolves the id in the registry and binds {@code params} into the extension's params record.
 *
 * @param id       the extension id as written
 * @param location where the id is written
 * @param params   the params node (null or absent when the recipe gives none; it then binds as {@code {}})
 */
public record ExtensionRef(String id, Location location, NodeRef params) {

    public ExtensionRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(params, "params");
    }

    /** Reads {@code id} or {@code {id: params}}; {@code what} names the expected thing in errors, e.g. "a scorer". */
    public static ExtensionRef read(NodeRef node, String what) {
        Map.Entry<String, Optional<NodeRef>> entry = node.singleEntry(what);
        String id = entry.getKey();
        if (node.node().isTextual()) {
            return new ExtensionRef(id, node.location(), new NodeRef(node.tree(), node.pointer(), NullNode.instance));
        }
        NodeRef params = node.child(id);
        return new ExtensionRef(id, node.tree().keyAt(params.pointer()), params);
    }
}
