package dev.condense.kernel.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * PF4J plugin manager for Condense: zips only (expanded into a scratch directory, see {@link ZipPluginRepository}),
 * {@code plugin.properties} descriptors, shared packages loaded from the kernel ({@link SharedFirstClassLoader}),
 * and the system version set so {@code plugin.requires} is enforced.
 */
public final class CondensePluginManager extends DefaultPluginManager {

    /**
     * @param pluginsDir    directory holding plugin zips
     * @param systemVersion the running Condense version, checked against each plugin's {@code plugin.requires}
     */
    public CondensePluginManager(Path pluginsDir, String systemVersion) {
        super(List.of(pluginsDir));
        setSystemVersion(systemVersion);
    }

    @Override
    protected PluginRepository createPluginRepository() {
        try {
            Path scratch = Files.createTempDirectory("condense-plugins-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.deleteQuietly(scratch)));
            return new ZipPluginRepository(getPluginsRoots(), scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory for plugins", e);
        }
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new PropertiesPluginDescriptorFinder();
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new DefaultPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                return new SharedFirstClassLoader(pluginManager, descriptor, pluginPath, CondensePluginManager.class.getClassLoader());
            }
        };
    }

    /** The zip files the repository currently sees. */
    public List<Path> pluginZips() {
        return repository().zips();
    }

    /** Expands {@code zip}, whose SHA-256 is {@code sha256}, into its own scratch directory and returns it. */
    Path expand(Path zip, String sha256) throws IOException {
        return repository().expand(zip, sha256);
    }

    /** Deletes a directory {@link #expand} made. */
    void discard(Path expanded) {
        repository().deletePluginPath(expanded);
    }

    /** Deletes the whole scratch directory (every expanded plugin); call after unloading every plugin. */
    void deleteScratch() {
        repository().deleteScratch();
    }

    private ZipPluginRepository repository() {
        return (ZipPluginRepository) pluginRepository;
    }
}
