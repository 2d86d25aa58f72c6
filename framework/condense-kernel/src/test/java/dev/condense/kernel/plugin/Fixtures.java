package dev.condense.kernel.plugin;

import dev.condense.testkit.PluginZipBuilder;

/** Java sources of the small plugins the plugin tests build into zips. */
final class Fixtures {
    private Fixtures() {
    }

    /** A scorer extension {@code pkg.cls} with recipe id {@code id}; its score throws when {@code throwing}. */
    static String scorer(String pkg, String cls, String id, boolean throwing) {
        return """
                package %s;

                import dev.condense.api.extension.NoParams;
                import dev.condense.api.prune.Granularity;
                import dev.condense.api.prune.ImportanceScorer;
                import dev.condense.api.prune.ScoringRequest;
                import java.util.EnumSet;
                import java.util.Set;
                import org.nd4j.linalg.api.ndarray.INDArray;

                @org.pf4j.Extension
                public final class %s implements ImportanceScorer<NoParams> {
                    public String id() { return "%s"; }
                    public Class<NoParams> paramsType() { return NoParams.class; }
                    public String summary() { return "fixture scorer %s"; }
                    public Set<Granularity> granularities() { return EnumSet.of(Granularity.ELEMENT); }
                    public INDArray score(ScoringRequest r, NoParams p) {
                        if (%s) { throw new IllegalStateException("fixture scorer exploded"); }
                        return r.weight().dup();
                    }
                }
                """.formatted(pkg, cls, id, id, throwing);
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
