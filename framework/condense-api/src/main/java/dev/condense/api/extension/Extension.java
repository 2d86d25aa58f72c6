package dev.condense.api.extension;

import org.pf4j.ExtensionPoint;

/**
 * Common contract of every Condense extension: a stable recipe id, a params record type and a description.
 *
 * <p>Invariants: {@link #id()} is short kebab-case ({@code [a-z][a-z0-9-]*}), unique per extension point across all
 * installed plugins, and never a class name. {@link #paramsType()} is a Java record that Jackson binds from the
 * recipe node with unknown keys rejected; its compact constructor validates ranges and throws
 * {@link IllegalArgumentException} with a message that names the offending field. An extension instance is
 * stateless: every call receives its params, so one instance can serve many stages.
 *
 * @param <P> the params record
 */
public interface Extension<P extends Record> extends ExtensionPoint {

    /** Stable kebab-case id used in recipes, e.g. {@code magnitude}. */
    String id();

    /** The params record type bound from the recipe. Use {@link NoParams} when there are none. */
    Class<P> paramsType();

    /** One line saying what the extension does. */
    String summary();

    /** The paper this extension implements, or the empty string. */
    default String citation() {
        return "";
    }
}
