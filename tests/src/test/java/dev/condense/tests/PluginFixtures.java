package dev.condense.tests;

import dev.condense.testkit.PluginZipBuilder;
import java.io.IOException;
import java.nio.file.Path;

/** Small broken and misbehaving plugin zips, compiled inside the test against the real API. */
final class PluginFixtures {
    private PluginFixtures() {
    }

    static String scorer(String pkg, String id, boolean throwing) {
        return PluginZipBuilder.scorerSource(pkg, "Scorer", id, throwing);
    }

    /** Writes, into {@code plugins}: broken.zip, boom-start.zip, future.zip, zz-dup.zip (id magnitude),
     * shadow-prune.zip (a stage with id prune), thrower.zip. */
    static void writeAll(Path plugins) throws IOException {
        new PluginZipBuilder("broken").rawProperties("plugin.version=1.0.0\n").writeZip(plugins.resolve("broken.zip"));
        new PluginZipBuilder("boom-start").property("plugin.class", "fx.boom.Boom")
                .source("fx.boom.Scorer", scorer("fx.boom", "boom-start", false))
                .source("fx.boom.Boom", """
                        package fx.boom;
                        public final class Boom extends org.pf4j.Plugin {
                            @Override public void start() { throw new IllegalStateException("licence check failed"); }
                        }
                        """).writeZip(plugins.resolve("boom-start.zip"));
        new PluginZipBuilder("future").property("plugin.requires", ">=99.0.0")
                .source("fx.future.Scorer", scorer("fx.future", "future", false)).writeZip(plugins.resolve("future.zip"));
        new PluginZipBuilder("zz-dup").source("fx.dup.Scorer", scorer("fx.dup", "magnitude", false))
                .writeZip(plugins.resolve("zz-dup.zip"));
        new PluginZipBuilder("shadow-prune").source("fx.shadow.Prune", PluginZipBuilder.stageSource("fx.shadow", "Prune", "prune"))
                .writeZip(plugins.resolve("shadow-prune.zip"));
        new PluginZipBuilder("thrower").source("fx.thrower.Scorer", scorer("fx.thrower", "thrower", true))
                .writeZip(plugins.resolve("thrower.zip"));
    }
}
