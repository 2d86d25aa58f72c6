package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDirectorySourceTest {

    private static void plant(Path dir, int nTrain, int nTest, int side) throws IOException {
        IdxFixtures.write(dir.resolve("train-images.idx.gz"), IdxFixtures.images(nTrain, side, side), true);
        IdxFixtures.write(dir.resolve("train-labels.idx"), IdxFixtures.labels(nTrain), false);
        IdxFixtures.write(dir.resolve(MnistSource.TEST_IMAGES), IdxFixtures.images(nTest, side, side), false);
        IdxFixtures.write(dir.resolve(MnistSource.TEST_LABELS + ".gz"), IdxFixtures.labels(nTest), true);
    }

    @Test
    void readsAnyImageSizeUnderShortOrOriginalNames(@TempDir Path dir) throws IOException {
        plant(dir, 30, 12, 5);
        Dataset ds = new IdxDirectorySource().load(DataOptions.defaults().withDataDir(dir).withSplit(0.2, 20, 0, 9));
        assertEquals(10, ds.numClasses());
        assertEquals(16, ds.train().size());
        assertEquals(4, ds.validation().size());
        assertArrayEquals(new long[] {12, 1, 5, 5}, ds.test().features().shape());
        int[] rows = SplitPlan.of(30, 12, DataOptions.defaults().withSplit(0.2, 20, 0, 9)).train();
        for (int i = 0; i < rows.length; i++) { // fixture: pixel 0 of row r is r % 256, label r % 10
            assertEquals(rows[i] / 255.0f, ds.train().features().getFloat(i, 0, 0, 0), 1e-6);
            assertEquals(rows[i] % 10, ds.train().labels().getFloat(i));
        }
    }

    @Test
    void truncatedFileNamesTheFile(@TempDir Path dir) throws IOException {
        plant(dir, 30, 12, 5);
        byte[] full = IdxFixtures.images(12, 5, 5);
        Files.write(dir.resolve(MnistSource.TEST_IMAGES), Arrays.copyOf(full, full.length - 7));
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> new IdxDirectorySource().load(DataOptions.defaults().withDataDir(dir)));
        assertTrue(e.getMessage().contains(MnistSource.TEST_IMAGES + ": truncated IDX file"), e.getMessage());
    }

    @Test
    void missingFileListsBothNames(@TempDir Path dir) throws IOException {
        plant(dir, 3, 2, 2);
        Files.delete(dir.resolve("train-labels.idx"));
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> new IdxDirectorySource().load(DataOptions.defaults().withDataDir(dir)));
        assertTrue(e.getMessage().contains("neither train-labels.idx nor " + MnistSource.TRAIN_LABELS), e.getMessage());
    }
}
