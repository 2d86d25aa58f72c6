package dev.condense.kernel.plugin;

import dev.condense.testkit.PluginZipBuilder;

/** Java sources of the small plugins the plugin tests build into zips. */
final class Fixtures {
    private Fixtures() {
    }

    /** A scorer extension {@code pkg.cls} with recipe id {@code id}; its score throws when {@code throwing}. */
    static String scorer(String pkg, String cls, String id, boolean throwing) {
        return PluginZipBuilder.scorerSource(pkg, cls, id, throwing);
    }

    /** A plugin with one scorer {@code id} (class {@code pkg.Scorer}). */
    static PluginZipBuilder scorerPlugin(String pluginId, String pkg, String id) {
        return new PluginZipBuilder(pluginId).source(pkg + ".Scorer", scorer(pkg, "Scorer", id, false));
    }

    /** A {@code org.pf4j.Plugin} {@code pkg.Boom} whose start throws. */
    static String throwingPlugin(String pkg) {
        return """
                package %s;

                public final class Boom extends org.pf4j.Plugin {
                    @Override
                    public void start() { throw new IllegalStateException("licence check failed"); }
                }
                """.formatted(pkg);
    }
}
