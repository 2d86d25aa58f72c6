package dev.condense.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * "Fetches" a data set that a Debian package has installed: copies the regular files of the package's data folder
 * (e.g. {@code /usr/share/datasets/fashion-mnist/*.gz}) into the staging directory, keeping their names. Nothing
 * is downloaded; when the folder is absent the reason names the package to install.
 *
 * @param packageName the Debian package, e.g. {@code dataset-fashion-mnist}
 * @param dataDir     the folder the package installs its files into
 */
public record DebianFetcher(String packageName, Path dataDir) implements FileFetcher {

    /** Where {@code dataset-fashion-mnist} puts the four gzipped IDX files. */
    public static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

    public DebianFetcher {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    @Override
    public void fetchInto(Path staging) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            throw new IOException("the Debian package " + packageName + " is not installed: " + dataDir + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dataDir)) {
            files = listing.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            Files.copy(file, staging.resolve(file.getFileName().toString()));
        }
    }

    @Override
    public String describe() {
        return "apt-get install " + packageName;
    }

    @Override
    public String remedy() {
        return "install the Debian package " + packageName + " (`apt-get install " + packageName + "`, which puts the "
                + "files in " + dataDir + ")";
    }
}
