package dev.condense.kernel.plugin;

import com.google.inject.Injector;
import dev.condense.api.extension.Extension;
import dev.condense.api.extension.ExtensionIds;
import dev.condense.kernel.plan.ExtensionLookup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Every extension of the started plugins, by extension point and id.
 *
 * <p>Each plugin's extensions are created in a child injector of the kernel's root injector with
 * {@code requireExplicitBindings()} and one explicit binding per extension class, so no just-in-time binding of a
 * plugin class lands in the root injector (it would pin the plugin's class loader after unload). An invalid id or
 * an id already taken by another plugin is not registered; the problem is kept, naming both plugins, and shown by
 * {@code plugins list}.
 */
public final class ExtensionRegistry implements ExtensionLookup {
    private final Map<Class<?>, TreeMap<String, RegisteredExtension>> byPoint = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private ExtensionRegistry() {
    }

    /** Builds the registry from the started plugins of {@code plugins}. */
    public static ExtensionRegistry load(PluginManager plugins, Injector root) {
        ExtensionRegistry r = new ExtensionRegistry();
        for (PluginWrapper p : plugins.getPlugins(PluginState.STARTED)) {
            r.register(plugins, root, p);
        }
        return r;
    }

    private void register(PluginManager plugins, Injector root, PluginWrapper plugin) {
        String pluginId = plugin.getPluginId();
        List<Class<?>> classes = new ArrayList<>();
        for (Class<? extends Extension<?>> point : ExtensionPoints.ALL) {
            classes.addAll(plugins.getExtensionClasses(point, pluginId));
        }
        Injector child;
        try {
            child = PluginCalls.inLoader(plugin.getPluginClassLoader(), () -> root.createChildInjector(binder -> {
                binder.requireExplicitBindings();
                classes.forEach(binder::bind);
            }));
        } catch (RuntimeException e) {
            problems.add("plugin " + pluginId + ": cannot create its extensions: " + e.getMessage());
            return;
        }
        for (Class<?> c : classes) {
            Extension<?> ext = (Extension<?>) PluginCalls.inLoader(plugin.getPluginClassLoader(), () -> child.getInstance(c));
            for (Class<? extends Extension<?>> point : ExtensionPoints.ALL) {
                if (point.isInstance(ext)) {
                    add(point, ext, plugin);
                }
            }
        }
    }

    private void add(Class<?> point, Extension<?> ext, PluginWrapper plugin) {
        String pluginId = plugin.getPluginId();
        if (!ExtensionIds.isValid(ext.id())) {
            problems.add("plugin " + pluginId + ": " + ExtensionPoints.name(point) + " id '" + ext.id()
                    + "' is not kebab-case (e.g. 'filter-l1'); not registered");
            return;
        }
        TreeMap<String, RegisteredExtension> ids = byPoint.computeIfAbsent(point, k -> new TreeMap<>());
        RegisteredExtension existing = ids.get(ext.id());
        if (existing != null) {
            problems.add(ExtensionPoints.name(point) + " id '" + ext.id() + "' is provided by both plugin "
                    + existing.pluginId() + " and plugin " + pluginId + "; keeping " + existing.pluginId());
            return;
        }
        ids.put(ext.id(), new RegisteredExtension(point, ext.id(), ext, pluginId, plugin.getDescriptor().getVersion()));
    }

    @Override
    public <E extends Extension<?>> Optional<E> find(Class<E> point, String id) {
        return registration(point, id).map(r -> point.cast(r.extension()));
    }

    /** Registration details of an extension. */
    public Optional<RegisteredExtension> registration(Class<?> point, String id) {
        return Optional.ofNullable(byPoint.getOrDefault(point, new TreeMap<>()).get(id));
    }

    @Override
    public <E extends Extension<?>> SortedSet<String> ids(Class<E> point) {
        return new TreeSet<>(byPoint.getOrDefault(point, new TreeMap<>()).keySet());
    }

    /** Every registration, by point then id. */
    public List<RegisteredExtension> all() {
        List<RegisteredExtension> out = new ArrayList<>();
        byPoint.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    /** Problems met while registering (bad or duplicate ids, injection failures). */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }
}
