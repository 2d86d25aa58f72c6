package dev.condense.kernel.plugin;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.condense.api.extension.Extension;
import dev.condense.api.extension.ExtensionIds;
import dev.condense.api.stage.Stage;
import dev.condense.kernel.plan.ExtensionLookup;
import dev.condense.kernel.stage.StageKinds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Every extension of the started plugins, by extension point and id; immutable once built. {@link PluginHost}
 * builds a new one after each reload and drops the old one.
 *
 * <p>Each plugin's extensions are created in its own child injector with {@code requireExplicitBindings()} and one
 * explicit binding per extension class. The parent of those children is a fresh, empty injector made for this
 * registry, not the kernel's root injector: Guice records every key bound in a child in all its ancestors (the
 * "blacklist" that stops a parent from creating the same key just in time) and only cleans that record lazily, so
 * a long-lived parent would keep {@code Key}s of plugin classes, and with them the plugin class loaders, after an
 * unload. Dropping the registry drops the whole injector tree.
 *
 * <p>A plugin is all or nothing: when one of its extensions cannot be created, has an id that is not kebab-case, or
 * has an id already registered by a plugin earlier in plugin-id order, or is a {@link Stage} whose id is a built-in
 * stage kind (a registered {@link StageKinds} id: the recipe parser would never reach it), none of its extensions is
 * registered and the plugin is listed in {@link #failures()} with a reason naming both plugins for a duplicate, or
 * the built-in kind.
 */
public final class ExtensionRegistry implements ExtensionLookup {
    private final Map<Class<?>, TreeMap<String, RegisteredExtension>> byPoint = new LinkedHashMap<>();
    private final Map<String, String> failures = new TreeMap<>();
    private final Map<String, String> unavailable = new TreeMap<>();

    private final Set<String> builtInKinds;

    private ExtensionRegistry(Set<String> builtInKinds) {
        this.builtInKinds = Set.copyOf(builtInKinds);
    }

    /** A registry with no extensions. */
    public static ExtensionRegistry empty() {
        return new ExtensionRegistry(Set.of());
    }

    /**
     * Builds the registry from {@code plugins}: registers the started ones; for the others (failed, disabled) only
     * learns the ids they would have provided, see {@link #unavailable()}.
     */
    public static ExtensionRegistry build(PluginManager plugins) {
        return build(plugins, StageKinds.standard().ids());
    }

    /**
     * As {@link #build(PluginManager)}, refusing a plugin {@link Stage} whose id is one of {@code builtInKinds} (the
     * registered stage kinds' ids, {@link StageKinds#ids()}).
     */
    public static ExtensionRegistry build(PluginManager plugins, Set<String> builtInKinds) {
        ExtensionRegistry r = new ExtensionRegistry(builtInKinds);
        Injector parent = Guice.createInjector(binder -> binder.requireExplicitBindings());
        List<PluginWrapper> all = new ArrayList<>(plugins.getPlugins());
        all.sort(Comparator.comparing(PluginWrapper::getPluginId));
        for (PluginWrapper p : all) {
            if (p.getPluginState() == PluginState.STARTED) {
                r.register(plugins, parent, p);
            } else {
                QuarantinedIds.of(p).forEach(id -> r.unavailable.putIfAbsent(id, p.getPluginId()));
            }
        }
        return r;
    }

    private void register(PluginManager plugins, Injector parent, PluginWrapper plugin) {
        String pluginId = plugin.getPluginId();
        List<Class<?>> classes = new ArrayList<>();
        for (Class<? extends Extension<?>> point : ExtensionPoints.ALL) {
            plugins.getExtensionClasses(point, pluginId).stream().filter(c -> !classes.contains(c)).forEach(classes::add);
        }
        List<Extension<?>> created = new ArrayList<>();
        try {
            Injector child = PluginCalls.inLoader(plugin.getPluginClassLoader(), () -> parent.createChildInjector(binder -> {
                binder.requireExplicitBindings();
                classes.forEach(binder::bind);
            }));
            for (Class<?> c : classes) {
                created.add((Extension<?>) PluginCalls.inLoader(plugin.getPluginClassLoader(), () -> child.getInstance(c)));
            }
        } catch (RuntimeException | LinkageError e) {
            failures.put(pluginId, "cannot create its extensions: " + PluginCalls.describe(e));
            return;
        }
        String problem = conflicts(created, pluginId);
        if (problem != null) {
            failures.put(pluginId, problem);
            created.forEach(e -> unavailable.putIfAbsent(e.id(), pluginId));
            return;
        }
        for (Extension<?> ext : created) {
            for (Class<? extends Extension<?>> point : ExtensionPoints.ALL) {
                if (point.isInstance(ext)) {
                    byPoint.computeIfAbsent(point, k -> new TreeMap<>()).put(ext.id(), new RegisteredExtension(point,
                            ext.id(), ext, pluginId, plugin.getDescriptor().getVersion()));
                }
            }
        }
    }

    /** Why {@code created} cannot be registered, or null when it can. */
    private String conflicts(List<Extension<?>> created, String pluginId) {
        for (Extension<?> ext : created) {
            if (!ExtensionIds.isValid(ext.id())) {
                return "extension " + ext.getClass().getName() + " has id '" + ext.id()
                        + "', which is not kebab-case (e.g. 'filter-l1')";
            }
            if (ext instanceof Stage<?> && builtInKinds.contains(ext.id())) {
                return "stage id '" + ext.id() + "' is a built-in stage kind: a recipe's '" + ext.id()
                        + ":' always runs the built-in one, so this stage would never run; plugin " + pluginId
                        + " is not loaded (give its stage another id)";
            }
            for (Class<? extends Extension<?>> point : ExtensionPoints.ALL) {
                RegisteredExtension existing = point.isInstance(ext) ? registration(point, ext.id()).orElse(null) : null;
                if (existing != null) {
                    return ExtensionPoints.name(point) + " id '" + ext.id() + "' is already provided by plugin "
                            + existing.pluginId() + "; plugin " + pluginId + " duplicates it and is not loaded";
                }
            }
        }
        return null;
    }

    @Override
    public <E extends Extension<?>> Optional<E> find(Class<E> point, String id) {
        return registration(point, id).map(r -> point.cast(r.extension()));
    }

    /** Registration details of an extension. */
    public Optional<RegisteredExtension> registration(Class<?> point, String id) {
        return Optional.ofNullable(byPoint.getOrDefault(point, new TreeMap<>()).get(id));
    }

    /** Every registration of {@code id}, whatever its extension point. */
    public List<RegisteredExtension> registrations(String id) {
        return all().stream().filter(r -> r.id().equals(id)).toList();
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

    /** Started plugins this registry refused, by plugin id, with the reason. */
    public Map<String, String> failures() {
        return java.util.Collections.unmodifiableMap(failures);
    }

    /** Extension ids known to belong to plugins that are not registered (failed or disabled), to their plugin ids. */
    public Map<String, String> unavailable() {
        return java.util.Collections.unmodifiableMap(unavailable);
    }

    /** Registered extension ids of {@code pluginId}, or the ids it would have provided when it is not registered. */
    public List<String> idsOf(String pluginId) {
        List<String> ids = new ArrayList<>(all().stream().filter(r -> r.pluginId().equals(pluginId))
                .map(RegisteredExtension::id).toList());
        unavailable.forEach((id, p) -> {
            if (p.equals(pluginId)) {
                ids.add(id);
            }
        });
        return ids.stream().distinct().sorted().toList();
    }
}
