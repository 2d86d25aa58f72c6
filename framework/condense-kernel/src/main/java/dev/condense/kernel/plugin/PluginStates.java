package dev.condense.kernel.plugin;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/** Derives a {@link PluginStatus} from PF4J's state of a plugin and from the registry's verdict on it. */
final class PluginStates {
    private PluginStates() {
    }

    /**
     * @param loadFailure why PF4J could not load the zip, or null when it did ({@code plugin} is then non-null)
     */
    static PluginStatus status(Path zip, String sha, String pluginId, String version, String loadFailure,
            PluginWrapper plugin, ExtensionRegistry registry, String systemVersion) {
        if (loadFailure != null || plugin == null) {
            String id = pluginId != null ? pluginId : zip.getFileName().toString();
            return new PluginStatus(zip, sha, id, version, PluginStatus.State.FAILED,
                    loadFailure != null ? loadFailure : "not loaded", List.of());
        }
        List<String> ids = registry.idsOf(pluginId);
        PluginState s = plugin.getPluginState();
        if (s == PluginState.DISABLED) {
            String requires = plugin.getDescriptor().getRequires();
            return new PluginStatus(zip, sha, pluginId, version, PluginStatus.State.DISABLED,
                    "requires Condense " + requires + " but this is Condense " + systemVersion, ids);
        }
        if (s == PluginState.FAILED) {
            Throwable e = plugin.getFailedException();
            return new PluginStatus(zip, sha, pluginId, version, PluginStatus.State.FAILED,
                    "start failed: " + (e == null ? "unknown cause" : PluginCalls.describe(e)), ids);
        }
        if (s != PluginState.STARTED) {
            return new PluginStatus(zip, sha, pluginId, version, PluginStatus.State.FAILED,
                    "not started (state " + s + ")", ids);
        }
        String refused = registry.failures().get(pluginId);
        if (refused != null) {
            return new PluginStatus(zip, sha, pluginId, version, PluginStatus.State.FAILED, refused, ids);
        }
        return new PluginStatus(zip, sha, pluginId, version, PluginStatus.State.STARTED, "", ids);
    }
}
