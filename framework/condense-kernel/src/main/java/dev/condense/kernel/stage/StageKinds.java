package dev.condense.kernel.stage;

import dev.condense.kernel.stage.plugin.PluginKind;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The registered stage kinds, by id, as bound in Guice by {@link StageKindsModule} (whose {@link
 * StageKindsModule#builtIn()} is the one list of built-in kinds; {@link #standard()} is that list for static callers
 * such as tests and the recipe loader's one-argument entry points). An id no kind claims is a plugin stage
 * ({@link PluginKind}).
 */
public final class StageKinds {
    private static final StageKinds STANDARD = new StageKinds(StageKindsModule.builtInMap());
    private final Map<String, StageKind> kinds;
    private final PluginKind plugin = new PluginKind();

    /** @param kinds the kinds by id; each key equals its kind's {@link StageKind#id()} */
    public StageKinds(Map<String, StageKind> kinds) {
        kinds.forEach((id, k) -> {
            if (!id.equals(k.id())) {
                throw new IllegalArgumentException("stage kind " + k.id() + " is registered under id " + id);
            }
        });
        this.kinds = new TreeMap<>(kinds);
    }

    /** The built-in kinds of {@link StageKindsModule#builtIn()}, without test or embedder additions. */
    public static StageKinds standard() {
        return STANDARD;
    }

    /** The kind registered for {@code id}, if any. */
    public Optional<StageKind> find(String id) {
        return Optional.ofNullable(kinds.get(id));
    }

    /** The kind every unregistered id goes to: a stage a plugin implements. */
    public PluginKind plugin() {
        return plugin;
    }

    /** The registered ids, sorted: a plugin {@code Stage} with one of them is refused when plugins load. */
    public SortedSet<String> ids() {
        return new TreeSet<>(kinds.keySet());
    }

    /** The registered kinds, ordered by id. */
    public Collection<StageKind> all() {
        return kinds.values();
    }
}
