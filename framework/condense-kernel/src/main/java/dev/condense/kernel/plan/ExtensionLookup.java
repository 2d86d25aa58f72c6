package dev.condense.kernel.plan;

import dev.condense.api.extension.Extension;
import java.util.Optional;
import java.util.SortedSet;

/**
 * What the planner needs from the extension registry: find an extension by point and id, and list the ids installed
 * for a point (for "did you mean" and for listing what is available). The plugin registry implements it.
 */
public interface ExtensionLookup {

    /** The extension of {@code point} whose id is {@code id}, if one is installed. */
    <E extends Extension<?>> Optional<E> find(Class<E> point, String id);

    /**
     * The ids installed for {@code point}, sorted; empty when none. Generic (rather than taking a
     * {@code Class<? extends Extension<?>>}) so that a raw class literal such as {@code ImportanceScorer.class} is
     * accepted, as it is by {@link #find}.
     */
    <E extends Extension<?>> SortedSet<String> ids(Class<E> point);
}
