package dev.condense.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.api.stage.Stage;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.testkit.PluginZipBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** A broken plugin never takes the kernel down: it is FAILED or DISABLED with a reason, and the rest loads. */
class PluginIsolationTest {
    @TempDir
    static Path dir;
    static PluginHost host;
    static Map<String, PluginStatus> byZip;

    @BeforeAll
    static void install() throws Exception {
        Path p = Files.createDirectories(dir.resolve("plugins"));
        Fixtures.scorerPlugin("good", "fx.good", "good").writeZip(p.resolve("good.zip"));
        new PluginZipBuilder("broken").rawProperties("plugin.version=1.0.0\nplugin.provider=nobody\n")
                .writeZip(p.resolve("broken.zip"));
        Fixtures.scorerPlugin("boom-start", "fx.boom", "boom-start").property("plugin.class", "fx.boom.Boom")
                .source("fx.boom.Boom", Fixtures.throwingPlugin("fx.boom")).writeZip(p.resolve("boom-start.zip"));
        Fixtures.scorerPlugin("future", "fx.future", "future").property("plugin.requires", ">=99.0.0")
                .writeZip(p.resolve("future.zip"));
        Fixtures.scorerPlugin("dup-a", "fx.dupa", "twin").writeZip(p.resolve("dup-a.zip"));
        Fixtures.scorerPlugin("dup-b", "fx.dupb", "twin").writeZip(p.resolve("dup-b.zip"));
        new PluginZipBuilder("thrower").source("fx.thrower.Scorer", Fixtures.scorer("fx.thrower", "Scorer", "thrower", true))
                .writeZip(p.resolve("thrower.zip"));
        new PluginZipBuilder("shadow").source("fx.shadow.Scorer", Fixtures.scorer("fx.shadow", "Scorer", "shadow", false))
                .source("fx.shadow.Prune", PluginZipBuilder.stageSource("fx.shadow", "Prune", "prune"))
                .writeZip(p.resolve("shadow.zip"));
        new PluginZipBuilder("own-stage").source("fx.own.Stage1", PluginZipBuilder.stageSource("fx.own", "Stage1", "tidy"))
                .writeZip(p.resolve("own-stage.zip"));
        host = PluginHost.open(p, "0.1.0");
        byZip = host.statuses().stream().collect(Collectors.toMap(s -> s.zip().getFileName().toString(), s -> s));
    }

    @Test
    void goodPluginsStartBesideBrokenOnes() {
        assertEquals(PluginStatus.State.STARTED, byZip.get("good.zip").state());
        assertEquals(PluginStatus.State.STARTED, byZip.get("dup-a.zip").state());
        assertTrue(host.registry().find(ImportanceScorer.class, "good").isPresent());
        assertEquals("dup-a", host.registry().registration(ImportanceScorer.class, "twin").orElseThrow().pluginId());
    }

    @Test
    void brokenDescriptorIsFailedWithReason() {
        PluginStatus s = byZip.get("broken.zip");
        assertEquals(PluginStatus.State.FAILED, s.state());
        assertTrue(s.reason().startsWith("cannot load"), s.reason());
    }

    @Test
    void throwingStartIsFailedWithItsMessageAndIdsStillKnown() {
        PluginStatus s = byZip.get("boom-start.zip");
        assertEquals(PluginStatus.State.FAILED, s.state());
        assertTrue(s.reason().contains("licence check failed"), s.reason());
        assertEquals("boom-start", host.registry().unavailable().get("boom-start"));
    }

    @Test
    void newerRequiredVersionIsDisabled() {
        PluginStatus s = byZip.get("future.zip");
        assertEquals(PluginStatus.State.DISABLED, s.state());
        assertTrue(s.reason().contains(">=99.0.0") && s.reason().contains("0.1.0"), s.reason());
        assertTrue(host.registry().find(ImportanceScorer.class, "future").isEmpty());
    }

    @Test
    void duplicateIdFailsTheSecondPluginNamingBoth() {
        PluginStatus s = byZip.get("dup-b.zip");
        assertEquals(PluginStatus.State.FAILED, s.state());
        assertTrue(s.reason().contains("dup-a") && s.reason().contains("dup-b") && s.reason().contains("'twin'"), s.reason());
    }

    @Test
    void stageWithABuiltInKindIdFailsThePluginNamingTheKind() {
        PluginStatus s = byZip.get("shadow.zip");
        assertEquals(PluginStatus.State.FAILED, s.state());
        assertTrue(s.reason().contains("'prune' is a built-in stage kind") && s.reason().contains("plugin shadow"), s.reason());
        assertTrue(host.registry().find(Stage.class, "prune").isEmpty());
        assertTrue(host.registry().find(ImportanceScorer.class, "shadow").isEmpty(), "all or nothing: its scorer is not registered");
        assertEquals(PluginStatus.State.STARTED, byZip.get("own-stage.zip").state());
        assertTrue(host.registry().find(Stage.class, "tidy").isPresent());
    }

    @Test
    void throwInsideACallNamesThePlugin() {
        ImportanceScorer<?> scorer = host.registry().find(ImportanceScorer.class, "thrower").orElseThrow();
        ScoringRequest r = new ScoringRequest("fc1.weight", Nd4j.ones(2, 2), Granularity.ELEMENT, null,
                new dev.condense.testkit.PlantedStageContext(0, Map.of()));
        PluginCallException e = assertThrows(PluginCallException.class, () -> PluginCalls.in(scorer, () -> scorer.score(r, null)));
        assertTrue(e.getMessage().contains("plugin thrower 1.0.0") && e.getMessage().contains("fixture scorer exploded"),
                e.getMessage());
    }

    @Test
    void plannerErrorForAFailedPluginsIdSaysWhy() {
        Location at = new Location(Path.of("r.yaml"), 7, 15);
        RecipeException unknown = new RecipeException(at, "unknown scorer 'boom-start'; installed: good, thrower, twin");
        RecipeException e = FailedPluginHints.explain(unknown, host.registry(), host.statuses());
        assertEquals(at, e.location());
        assertTrue(e.detail().contains("plugin boom-start") && e.detail().contains("FAILED")
                && e.detail().contains("licence check failed"), e.detail());

        RecipeException other = FailedPluginHints.explain(new RecipeException(at, "unknown scorer 'nope'"),
                host.registry(), host.statuses());
        assertTrue(other.detail().contains("broken.zip"), "unreadable zips are listed as possible providers: " + other.detail());
    }
}
