package dev.condense.kernel.recipe;

import java.util.Objects;

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
}
