package dev.condense.kernel.plugin;

import com.google.inject.Guice;
import dev.condense.api.extension.Extension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.PluginWrapper;

/**
 * The extension ids a plugin that did not start (failed or disabled) would have provided, so that a recipe using
 * one is told the plugin failed and why, rather than "unknown id".
 *
 * <p>Reads the plugin's own {@code classes/META-INF/extensions.idx}, creates each extension in a throwaway injector
 * (explicit bindings only) with the plugin's class loader as context loader, and asks its id. Anything that goes
 * wrong (classes that do not link against this Condense, constructors that throw) just leaves that id unknown.
 */
final class QuarantinedIds {
    private QuarantinedIds() {
    }

    static List<String> of(PluginWrapper plugin) {
        List<String> ids = new ArrayList<>();
        ClassLoader loader = plugin.getPluginClassLoader();
        Path idx = plugin.getPluginPath().resolve("classes/META-INF/extensions.idx");
        if (loader == null || !Files.isRegularFile(idx)) {
            return ids;
        }
        try {
            for (String line : Files.readAllLines(idx, StandardCharsets.UTF_8)) {
                String name = line.trim();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    idOf(loader, name).ifPresent(ids::add);
                }
            }
        } catch (IOException e) {
            return ids;
        }
        return ids;
    }

    private static java.util.Optional<String> idOf(ClassLoader loader, String className) {
        try {
            Class<?> c = loader.loadClass(className);
            if (!Extension.class.isAssignableFrom(c)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(PluginCalls.inLoader(loader, () -> ((Extension<?>) Guice.createInjector(b -> {
                b.requireExplicitBindings();
                b.bind(c);
            }).getInstance(c)).id()));
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            return java.util.Optional.empty();
        }
    }
}
