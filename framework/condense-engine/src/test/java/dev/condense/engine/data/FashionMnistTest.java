package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condense.api.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @Test
    void absentPackageAndNoDataDirNamesBothWays(@TempDir Path tmp) {
        MnistSource source = MnistSource.fashionMnist(tmp.resolve("not-installed"));
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> source.load(DataOptions.defaults().withCacheDir(tmp.resolve("cache"))));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data-dir DIR"), e.getMessage());
        assertTrue(e.getMessage().contains("is not installed"), e.getMessage());
    }

    @Test
    void copiesFromThePackageFolderIntoTheCache(@TempDir Path tmp) throws IOException {
        Path pkg = tmp.resolve("pkg");
        Map<String, String> hashes = IdxFixtures.plantMnist(pkg, 20, 10, true);
        MnistSource source = new MnistSource("fashion-mnist", hashes, new DebianFetcher("dataset-fashion-mnist", pkg));
        Dataset ds = source.load(DataOptions.defaults().withCacheDir(tmp.resolve("cache")));
        assertEquals(20, ds.train().size());
        assertTrue(Files.isRegularFile(tmp.resolve("cache/fashion-mnist/" + MnistSource.TEST_LABELS + ".gz")));
    }

    @Test
    void realPackageWhenInstalled(@TempDir Path tmp) {
        assumeTrue(Files.isDirectory(Path.of(DebianFetcher.FASHION_MNIST_DIR)), "dataset-fashion-mnist is not installed");
        Dataset ds = MnistSource.fashionMnist().load(DataOptions.defaults().withDataDir(Path.of(DebianFetcher.FASHION_MNIST_DIR))
                .withSplit(0.1, 0, 0, 1));
        assertEquals(54000, ds.train().size());
        assertEquals(6000, ds.validation().size());
        assertArrayEquals(new long[] {10000, 1, 28, 28}, ds.test().features().shape());
        assertEquals(9.0, ds.train().labels().maxNumber().doubleValue());
    }
}
