package dev.condense.kernel.plugin;

import dev.condense.api.extension.Extension;

/**
 * An extension instance created by the kernel, with where it came from.
 *
 * @param point         the extension point interface, e.g. ImportanceScorer
 * @param id            the recipe id
 * @param extension     the instance (created in its plugin's child injector)
 * @param pluginId      the PF4J plugin id
 * @param pluginVersion the plugin's version
 */
public record RegisteredExtension(Class<?> point, String id, Extension<?> extension, String pluginId, String pluginVersion) {
}
