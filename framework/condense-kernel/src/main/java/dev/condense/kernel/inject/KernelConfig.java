package dev.condense.kernel.inject;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings the kernel is wired with.
 *
 * @param pluginsDir directory holding plugin zips
 * @param version    the running Condense version (checked against each plugin's {@code plugin.requires})
 */
public record KernelConfig(Path pluginsDir, String version) {

    /** Environment variable naming the plugins directory when no {@code --plugins-dir} is given. */
    public static final String PLUGINS_ENV = "CONDENSE_PLUGINS";

    public KernelConfig {
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        Objects.requireNonNull(version, "version");
    }

    /**
     * The plugins directory: the explicit one, else {@code $CONDENSE_PLUGINS}, else {@code <condense.home>/plugins}
     * (the distribution's), else {@code ./plugins}.
     */
    public static Path resolvePluginsDir(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String env = System.getenv(PLUGINS_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getProperty("condense.home");
        return home != null ? Path.of(home, "plugins") : Path.of("plugins");
    }
}
