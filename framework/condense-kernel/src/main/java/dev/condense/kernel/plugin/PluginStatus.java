package dev.condense.kernel.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What became of one plugin zip.
 *
 * @param zip          the zip in the plugins directory
 * @param sha256       its SHA-256 (hex), as loaded
 * @param pluginId     the plugin id from its descriptor, or the zip's file name when the descriptor is unreadable
 * @param version      the plugin's version, or "?" when the descriptor is unreadable
 * @param state        STARTED, FAILED (broken descriptor, start threw, extensions could not be created or clash) or
 *                     DISABLED (requires another Condense version)
 * @param reason       why it is not STARTED; empty when it is
 * @param extensionIds ids it provides (or would provide, when not started and they could be learned)
 */
public record PluginStatus(Path zip, String sha256, String pluginId, String version, State state, String reason,
        List<String> extensionIds) {

    /** The kernel's view of a plugin; PF4J's own states are finer but these are what a user acts on. */
    public enum State { STARTED, FAILED, DISABLED }

    public PluginStatus {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        extensionIds = List.copyOf(extensionIds);
        if ((state == State.STARTED) != reason.isEmpty()) {
            throw new IllegalArgumentException("a reason is given exactly when the plugin is not started");
        }
    }

    /** True when its extensions are registered. */
    public boolean started() {
        return state == State.STARTED;
    }
}
