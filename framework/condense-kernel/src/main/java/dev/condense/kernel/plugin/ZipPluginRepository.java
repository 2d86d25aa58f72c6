package dev.condense.kernel.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.pf4j.PluginRepository;

/**
 * Plugin zips in a plugins directory, each expanded into a private scratch directory.
 *
 * <p>The plugins directory is only read, never written (it may be read-only, e.g. an installed distribution), and
 * a zip removed from it is gone at the next load: nothing stale is left beside it to be picked up, unlike PF4J's
 * default repository which expands zips in place. Entries that would escape the target directory are refused.
 */
public final class ZipPluginRepository implements PluginRepository {
    private final List<Path> roots;
    private final Path scratch;

    /**
     * @param roots   directories holding {@code *.zip} plugins (missing directories hold none)
     * @param scratch directory to expand into; owned by this repository
     */
    public ZipPluginRepository(List<Path> roots, Path scratch) {
        this.roots = List.copyOf(roots);
        this.scratch = scratch;
    }

    /** The zip files currently in the plugins directories, sorted by name. */
    public List<Path> zips() {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> p.getFileName().toString().endsWith(".zip") && Files.isRegularFile(p)).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list plugins directory " + root, e);
            }
        }
        return out;
    }

    @Override
    public List<Path> getPluginPaths() {
        List<Path> out = new ArrayList<>();
        for (Path zip : zips()) {
            String name = zip.getFileName().toString();
            Path target = scratch.resolve(name.substring(0, name.length() - 4) + "-" + Integer.toHexString(zip.hashCode()));
            try {
                expand(zip, target);
                out.add(target);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot expand plugin " + zip + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Expands {@code zip} into {@code scratch/<name>-<first 12 hex digits of its SHA-256>}: a replaced zip gets a new
     * directory, so the old plugin's files stay intact until it is unloaded.
     */
    public Path expand(Path zip, String sha256) throws IOException {
        String name = zip.getFileName().toString();
        Path target = scratch.resolve(name.substring(0, name.length() - 4) + "-" + sha256.substring(0, 12));
        expand(zip, target);
        return target;
    }

    /** Deletes the scratch directory and everything expanded into it. */
    public void deleteScratch() {
        FileTrees.deleteQuietly(scratch);
    }

    @Override
    public boolean deletePluginPath(Path pluginPath) {
        return Files.isDirectory(pluginPath) && pluginPath.startsWith(scratch) && FileTrees.deleteQuietly(pluginPath);
    }

    static void expand(Path zip, Path target) throws IOException {
        FileTrees.deleteQuietly(target);
        Files.createDirectories(target);
        Path base = target.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                Path out = base.resolve(e.getName()).normalize();
                if (!out.startsWith(base)) {
                    throw new IOException("entry '" + e.getName() + "' escapes the plugin directory");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(z, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
