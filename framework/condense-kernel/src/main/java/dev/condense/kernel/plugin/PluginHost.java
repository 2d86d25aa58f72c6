package dev.condense.kernel.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import dev.condense.kernel.stage.StageKinds;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * The plugins of a running kernel, reloadable in place: {@link #reload()} rescans the plugins directory, stops and
 * unloads the plugins whose zip was removed or replaced (compared by SHA-256), loads and starts new or replaced
 * ones and builds a new {@link ExtensionRegistry}; unchanged plugins keep their class loaders.
 *
 * <p>Failures stay inside their plugin: an unreadable zip or descriptor, a {@code Plugin.start} that throws, a
 * {@code plugin.requires} this Condense does not satisfy, or extensions that cannot be created or clash with another
 * plugin's ids, each leave that plugin FAILED or DISABLED with a reason ({@link #statuses()}), and everything else
 * loads. Nothing of the kernel keeps an unloaded plugin's class loader: PF4J closes it, the registry that held its
 * extensions (and their injectors) is dropped, and the zip's expanded copy is deleted.
 *
 * <p>Not thread-safe against concurrent runs: reload between runs (as {@code condense watch} does).
 */
public final class PluginHost implements AutoCloseable {
    private final CondensePluginManager manager;
    private final String systemVersion;
    private final Map<Path, Installed> installed = new TreeMap<>();
    private ExtensionRegistry registry = ExtensionRegistry.empty();

    /** A zip as loaded: its hash, expanded directory, plugin id (null when PF4J could not load it) and outcome. */
    private record Installed(String sha256, Path dir, String pluginId, String version, String failure) {
    }

    /** Opens the plugins of {@code pluginsDir} (a missing directory holds none) and loads them. */
    public static PluginHost open(Path pluginsDir, String systemVersion) {
        return open(pluginsDir, systemVersion, StageKinds.standard().ids());
    }

    /**
     * As {@link #open(Path, String)}; a plugin {@code Stage} whose id is one of {@code builtInKinds} (the registered
     * stage kinds) is refused.
     */
    public static PluginHost open(Path pluginsDir, String systemVersion, Set<String> builtInKinds) {
        PluginHost host = new PluginHost(new CondensePluginManager(pluginsDir, systemVersion), systemVersion,
                builtInKinds);
        host.reload();
        return host;
    }

    private final Set<String> builtInKinds;

    private PluginHost(CondensePluginManager manager, String systemVersion, Set<String> builtInKinds) {
        this.manager = manager;
        this.systemVersion = systemVersion;
        this.builtInKinds = Set.copyOf(builtInKinds);
    }

    /** Brings the loaded plugins in line with the plugins directory; see the class comment. */
    public synchronized ReloadSummary reload() {
        Map<Path, String> now = scan();
        List<String> added = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Path zip : List.copyOf(installed.keySet())) {
            String sha = now.get(zip);
            if (sha == null || !sha.equals(installed.get(zip).sha256())) {
                (sha == null ? removed : replaced).add(zip.getFileName().toString());
                unload(installed.remove(zip));
            }
        }
        List<String> fresh = new ArrayList<>();
        for (Map.Entry<Path, String> e : now.entrySet()) {
            if (installed.containsKey(e.getKey())) {
                unchanged.add(e.getKey().getFileName().toString());
                continue;
            }
            if (!replaced.contains(e.getKey().getFileName().toString())) {
                added.add(e.getKey().getFileName().toString());
            }
            Installed i = load(e.getKey(), e.getValue());
            installed.put(e.getKey(), i);
            if (i.pluginId() != null) {
                fresh.add(i.pluginId());
            }
        }
        fresh.forEach(this::start);
        ReloadSummary summary = new ReloadSummary(added, replaced, removed, unchanged);
        if (summary.changed()) {
            registry = ExtensionRegistry.build(manager, builtInKinds);
        }
        return summary;
    }

    private Map<Path, String> scan() {
        Map<Path, String> out = new LinkedHashMap<>();
        for (Path zip : manager.pluginZips()) {
            try {
                out.put(zip, Hashes.sha256(zip));
            } catch (IOException e) {
                // vanished or unreadable mid-scan (being copied): treat as absent until the next reload
            }
        }
        return out;
    }

    private Installed load(Path zip, String sha) {
        Path dir;
        try {
            dir = manager.expand(zip, sha);
        } catch (IOException | UncheckedIOException e) {
            return new Installed(sha, null, null, "?", "cannot expand the zip: " + PluginCalls.describe(e));
        }
        Set<String> before = loadedIds();
        try {
            String id = manager.loadPlugin(dir);
            PluginWrapper p = manager.getPlugin(id);
            return new Installed(sha, dir, id, p.getDescriptor().getVersion(), null);
        } catch (RuntimeException | LinkageError e) {
            Set<String> leftovers = loadedIds();
            leftovers.removeAll(before);
            leftovers.forEach(manager::unloadPlugin);
            manager.discard(dir);
            return new Installed(sha, null, null, "?", "cannot load: " + PluginCalls.describe(e));
        }
    }

    private void start(String pluginId) {
        if (manager.getPlugin(pluginId).getPluginState() != PluginState.RESOLVED) {
            return; // DISABLED (plugin.requires not met): startPlugin would try to enable it
        }
        try {
            manager.startPlugin(pluginId);
        } catch (RuntimeException | LinkageError e) {
            PluginWrapper p = manager.getPlugin(pluginId);
            p.setFailedException(e instanceof Exception ex ? ex : new IllegalStateException(e));
            p.setPluginState(PluginState.FAILED);
        }
    }

    private void unload(Installed i) {
        if (i.pluginId() != null) {
            try {
                manager.unloadPlugin(i.pluginId());
            } catch (RuntimeException e) {
                // stop() threw: PF4J has still dropped the plugin; nothing else to undo
            }
        }
        if (i.dir() != null) {
            manager.discard(i.dir());
        }
    }

    private Set<String> loadedIds() {
        Set<String> ids = new HashSet<>();
        manager.getPlugins().forEach(p -> ids.add(p.getPluginId()));
        return ids;
    }

    /** The registry of the currently loaded plugins; a new instance after each reload that changed something. */
    public synchronized ExtensionRegistry registry() {
        return registry;
    }

    /** Every zip of the plugins directory as last loaded, by file name. */
    public synchronized List<PluginStatus> statuses() {
        List<PluginStatus> out = new ArrayList<>();
        installed.forEach((zip, i) -> out.add(PluginStates.status(zip, i.sha256(), i.pluginId(), i.version(), i.failure(),
                i.pluginId() == null ? null : manager.getPlugin(i.pluginId()), registry, systemVersion)));
        return out;
    }

    /** The PF4J manager (for its plugins root and wrappers); load and unload only through this host. */
    public CondensePluginManager manager() {
        return manager;
    }

    /** Stops and unloads every plugin and deletes the expanded copies. */
    @Override
    public synchronized void close() {
        installed.values().forEach(this::unload);
        installed.clear();
        registry = ExtensionRegistry.empty();
        manager.deleteScratch();
    }
}
