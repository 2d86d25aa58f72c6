package dev.condense.kernel.plugin;

import java.util.Objects;

/**
 * Everything {@code condense plugins info ID} shows about one registered extension.
 *
 * @param point    the extension point's kebab-case name, e.g. {@code importance-scorer}
 * @param id       the recipe id
 * @param summary  its one-line summary
 * @param citation its paper, or empty
 * @param plugin   the plugin that provides it (id, version, zip, SHA-256)
 * @param params   its params record
 */
public record PluginInfo(String point, String id, String summary, String citation, PluginStatus plugin,
        ParamsDescription params) {

    public PluginInfo {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(summary, "summary");
        citation = citation == null ? "" : citation;
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(params, "params");
    }

    /** Describes {@code e}, provided by {@code plugin}. */
    public static PluginInfo of(RegisteredExtension e, PluginStatus plugin) {
        return PluginCalls.in(e.extension(), () -> new PluginInfo(ExtensionPoints.name(e.point()), e.id(),
                e.extension().summary(), e.extension().citation(), plugin, ParamsDescription.of(e.extension().paramsType())));
    }
}
