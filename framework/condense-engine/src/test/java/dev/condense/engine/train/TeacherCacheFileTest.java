package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link TeacherCacheFile}: records by row id, across several mappings, read back exactly. */
class TeacherCacheFileTest {
    @TempDir
    Path dir;

    /** Row r of tensor k holds r * 1000 + k * 100 + element index: every value says where it belongs. */
    private static float[] planted(int[] rows, int k, int width) {
        float[] v = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < width; j++) {
                v[i * width + j] = rows[i] * 1000 + k * 100 + j;
            }
        }
        return v;
    }

    /**
     * 10 rows of a [3] and a [2, 2] tensor (7 floats, 28 bytes a record) in mappings of 64 bytes (2 records each, 5
     * mappings): rows written out of order in two batches read back bit for bit in any order, with their shapes.
     */
    @Test
    void rowsReadBackByIdAcrossMappings() {
        Path f = dir.resolve("c.f32");
        try (TeacherCacheFile c = new TeacherCacheFile(f, 10, List.of(new long[] {3}, new long[] {2, 2}), 64)) {
            assertEquals(10L * 7 * 4, c.bytes());
            int[] first = {7, 2, 9, 0, 5};
            int[] second = {1, 8, 3, 6, 4};
            c.write(first, List.of(planted(first, 0, 3), planted(first, 1, 4)));
            assertTrue(c.has(7) && !c.has(1));
            c.write(second, List.of(planted(second, 0, 3), planted(second, 1, 4)));
            assertEquals(10, c.storedRows());
            int[] batch = {4, 9, 0, 3, 3, 8};
            INDArray[] got = c.read(batch);
            assertArrayEquals(new long[] {6, 3}, got[0].shape());
            assertArrayEquals(new long[] {6, 2, 2}, got[1].shape());
            assertEquals(Nd4j.create(planted(batch, 0, 3), new long[] {6, 3}, DataType.FLOAT), got[0]);
            assertEquals(Nd4j.create(planted(batch, 1, 4), new long[] {6, 2, 2}, DataType.FLOAT), got[1]);
        }
        assertFalse(Files.exists(f));
    }

    @Test
    void aRowNeverStoredOrOutOfRangeIsRefused() {
        try (TeacherCacheFile c = new TeacherCacheFile(dir.resolve("c.f32"), 4, List.of(new long[] {2}))) {
            c.write(new int[] {1}, List.of(new float[] {1, 2}));
            var e = assertThrows(IllegalStateException.class, () -> c.read(new int[] {1, 2}));
            assertTrue(e.getMessage().contains("row 2 of the teacher cache was never stored"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> c.read(new int[] {4}));
        }
    }

    @Test
    void anExistingFileIsNotOverwritten() throws Exception {
        Path f = Files.writeString(dir.resolve("taken.f32"), "keep");
        assertThrows(java.io.UncheckedIOException.class, () -> new TeacherCacheFile(f, 4, List.of(new long[] {2})));
        assertEquals("keep", Files.readString(f));
    }
}
