package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The assembled distribution has the documented layout, and its plugin zips follow the plugin rules. */
class DistributionLayoutTest {
    /** Libraries the kernel shares with plugins; a plugin that bundles one breaks class identity or ND4J. */
    private static final List<String> FORBIDDEN = List.of("nd4j", "javacpp", "openblas", "guice", "jackson", "pf4j",
            "slf4j", "condense-api", "condense-engine", "condense-kernel", "jakarta.inject", "onnxruntime");

    @Test
    void hasLauncherLibrariesPluginsAndConfig() {
        assertTrue(Files.isExecutable(Cli.launcher()), "bin/condense must be executable");
        assertTrue(Files.isDirectory(Cli.DIST.resolve("lib")));
        assertTrue(Files.isRegularFile(Cli.DIST.resolve("config/recipes/quickstart.yaml")));
        assertFalse(pluginZips().isEmpty(), "no plugin zips in plugins/");
    }

    @Test
    void everyPluginZipHasDescriptorExtensionIndexAndNoSharedLibraries() throws IOException {
        for (Path zip : pluginZips()) {
            try (ZipFile z = new ZipFile(zip.toFile())) {
                assertTrue(z.getEntry("plugin.properties") != null, zip + ": no plugin.properties");
                ZipEntry idx = z.getEntry("classes/META-INF/extensions.idx");
                assertTrue(idx != null, zip + ": no classes/META-INF/extensions.idx (PF4J annotation processor not run?)");
                String index = new String(z.getInputStream(idx).readAllBytes());
                assertTrue(index.lines().anyMatch(l -> l.startsWith("dev.condense.plugin.")), zip + ": empty extension index");
                List<String> entries = new ArrayList<>();
                Collections.list(z.entries()).forEach(e -> entries.add(e.getName()));
                for (String e : entries) {
                    assertFalse(e.endsWith(".jar") && !e.startsWith("lib/"), zip + ": jar outside lib/: " + e);
                    for (String f : FORBIDDEN) {
                        assertFalse(e.startsWith("lib/") && e.toLowerCase(Locale.ROOT).contains(f),
                                zip + " bundles a shared library: " + e);
                    }
                    assertFalse(e.startsWith("classes/dev/condense/api/") || e.startsWith("classes/org/nd4j/"),
                            zip + " bundles shared classes: " + e);
                }
            }
        }
    }

    @Test
    void pluginIdMatchesZipName() throws IOException {
        for (Path zip : pluginZips()) {
            try (ZipFile z = new ZipFile(zip.toFile())) {
                java.util.Properties p = new java.util.Properties();
                p.load(z.getInputStream(z.getEntry("plugin.properties")));
                assertEquals(zip.getFileName().toString().replace(".zip", ""), p.getProperty("plugin.id"));
            }
        }
    }

    static List<Path> pluginZips() {
        try (Stream<Path> s = Files.list(Cli.DIST.resolve("plugins"))) {
            return s.filter(p -> p.toString().endsWith(".zip")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list plugins/", e);
        }
    }
}
