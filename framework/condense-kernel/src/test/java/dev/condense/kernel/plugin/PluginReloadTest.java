package dev.condense.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.prune.ImportanceScorer;
import dev.condense.testkit.PluginZipBuilder;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginClassLoader;

/**
 * Hot reload: a replaced zip is unloaded and loaded again in the same JVM, and nothing of the kernel keeps an old
 * plugin class loader alive (Guice injectors, PF4J caches, context class loaders).
 */
class PluginReloadTest {
    private static final int RELOADS = 20;
    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void addReplaceRemoveAreSeenByReload() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginZipBuilder probe = Fixtures.scorerPlugin("probe", "fx.probe", "probe");
        try (PluginHost host = PluginHost.open(plugins, "0.1.0")) {
            assertTrue(host.registry().all().isEmpty());
            probe.writeZip(plugins.resolve("probe.zip"));
            ReloadSummary added = host.reload();
            assertEquals(List.of("probe.zip"), added.added(), added.toString());
            ExtensionRegistry first = host.registry();
            assertTrue(first.find(ImportanceScorer.class, "probe").isPresent());

            assertEquals("no plugin changes", host.reload().toString());
            assertEquals(first, host.registry(), "an unchanged directory keeps the registry");

            probe.stamp("v2").writeZip(plugins.resolve("probe.zip"));
            ReloadSummary replaced = host.reload();
            assertEquals(List.of("probe.zip"), replaced.replaced(), replaced.toString());
            assertNotSame(first.find(ImportanceScorer.class, "probe").get().getClass(),
                    host.registry().find(ImportanceScorer.class, "probe").get().getClass());

            Files.delete(plugins.resolve("probe.zip"));
            assertEquals(List.of("probe.zip"), host.reload().removed());
            assertTrue(host.registry().find(ImportanceScorer.class, "probe").isEmpty());
            assertTrue(host.statuses().isEmpty());
        }
    }

    @Test
    void twentyReloadsLeaveNoOldClassLoaderAndFlatHeap() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path zip = plugins.resolve("probe.zip");
        PluginZipBuilder probe = Fixtures.scorerPlugin("probe", "fx.gc", "gc-probe");
        probe.compile(dir.resolve("work"));
        probe.stamp("0").writeZip(zip);
        List<WeakReference<ClassLoader>> old = new ArrayList<>();
        long[] used = new long[RELOADS + 1];
        long start = System.nanoTime();
        try (PluginHost host = PluginHost.open(plugins, "0.1.0")) {
            for (int i = 1; i <= RELOADS; i++) {
                old.add(currentLoader(host));
                probe.stamp(Integer.toString(i)).writeZip(zip);
                assertEquals(List.of("probe.zip"), host.reload().replaced());
                used[i] = usedAfterGc();
            }
            long reloadMillis = (System.nanoTime() - start) / 1_000_000;
            long waited = awaitCollected(old, 20_000);
            long alive = old.stream().filter(r -> r.get() != null).count();
            System.out.printf(Locale.ROOT, "plugin reload: %d reloads in %d ms (%.1f ms each incl. GC); "
                            + "old class loaders collected: %d/%d after %d ms; used heap after GC: reload 1 %.1f MB, "
                            + "reload 5 %.1f MB, reload %d %.1f MB%n", RELOADS, reloadMillis, reloadMillis / (double) RELOADS,
                    RELOADS - alive, RELOADS, waited, used[1] / (double) MB, used[5] / (double) MB, RELOADS,
                    used[RELOADS] / (double) MB);
            assertEquals(0, alive, "old plugin class loaders still reachable after " + RELOADS + " reloads");
            assertTrue(used[RELOADS] - used[5] < 16 * MB, "used heap grew from " + used[5] / MB + " MB to "
                    + used[RELOADS] / MB + " MB between reload 5 and " + RELOADS);
            assertTrue(host.registry().find(ImportanceScorer.class, "gc-probe").isPresent());
        }
    }

    /** The loader of the current probe extension, held weakly (in its own frame, so no local keeps it). */
    private static WeakReference<ClassLoader> currentLoader(PluginHost host) {
        ClassLoader l = host.registry().find(ImportanceScorer.class, "gc-probe").orElseThrow().getClass().getClassLoader();
        assertInstanceOf(PluginClassLoader.class, l);
        return new WeakReference<>(l);
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Calls System.gc until every reference is cleared or {@code maxMillis} pass; returns the time waited. */
    private static long awaitCollected(List<WeakReference<ClassLoader>> refs, long maxMillis) throws InterruptedException {
        long t0 = System.nanoTime();
        while (refs.stream().anyMatch(r -> r.get() != null) && (System.nanoTime() - t0) / 1_000_000 < maxMillis) {
            System.gc();
            Thread.sleep(50);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
