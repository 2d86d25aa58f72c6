package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void imagesRoundTripAsUnsignedPixelsOver255() throws Exception {
        byte[] payload = {0, 1, (byte) 127, (byte) 128, (byte) 200, (byte) 255, 10, 20, 30, 40, 50, 60};
        Path file = dir.resolve("imgs");
        Files.write(file, IdxFixtures.idx(new int[] {2, 2, 3}, payload));
        INDArray x = IdxReader.readImages(file);
        assertEquals(DataType.FLOAT, x.dataType());
        assertArrayEquals(new long[] {2, 1, 2, 3}, x.shape());
        float[] values = x.data().asFloat();
        for (int i = 0; i < payload.length; i++) {
            assertEquals((payload[i] & 0xFF) / 255f, values[i], 1e-7f, "pixel " + i);
        }
    }

    @Test
    void labelsRoundTripFromGzip() throws Exception {
        Path file = dir.resolve("labels.gz");
        IdxFixtures.write(file, IdxFixtures.labels(13), true);
        INDArray y = IdxReader.readLabels(file);
        assertArrayEquals(new long[] {13}, y.shape());
        assertEquals(DataType.FLOAT, y.dataType());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2}, y.toFloatVector());
    }

    @Test
    void gathersChosenRowsInOrder() {
        IdxFile file = IdxReader.parse(IdxFixtures.images(300, 4, 4), "imgs", 3);
        INDArray x = IdxReader.images(file, new int[] {299, 0, 256});
        assertArrayEquals(new long[] {3, 1, 4, 4}, x.shape());
        assertEquals(299 % 256, Math.round(x.getFloat(0, 0, 0, 0) * 255));
        assertEquals(1, Math.round(x.getFloat(0, 0, 0, 1) * 255));
        assertEquals(0, Math.round(x.getFloat(1, 0, 0, 0) * 255));
        assertEquals(1, Math.round(x.getFloat(2, 0, 0, 1) * 255));
    }

    @Test
    void badMagicNamesFileAndMagic() {
        byte[] bytes = IdxFixtures.labels(5);
        bytes[2] = 0x0D; // float instead of unsigned byte
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.parse(bytes, "/data/x-labels", 1));
        assertTrue(e.getMessage().contains("/data/x-labels") && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void wrongDimensionCountIsReported() {
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> IdxReader.parse(IdxFixtures.labels(5), "labels-file", 3));
        assertTrue(e.getMessage().contains("labels-file") && e.getMessage().contains("expected 3"), e.getMessage());
    }

    @Test
    void truncatedPayloadAndHeaderAreReported() throws Exception {
        byte[] full = IdxFixtures.images(3, 28, 28);
        Path file = dir.resolve("short-images");
        Files.write(file, Arrays.copyOf(full, full.length - 10));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(CorruptDataException.class, () -> IdxReader.parse(Arrays.copyOf(full, 9), "h", 3));
        assertThrows(CorruptDataException.class, () -> IdxReader.parse(new byte[2], "h", 3));
    }

    @Test
    void trailingBytesAreReported() {
        byte[] full = IdxFixtures.labels(4);
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> IdxReader.parse(Arrays.copyOf(full, full.length + 3), "long-labels", 1));
        assertTrue(e.getMessage().contains("3 bytes after"), e.getMessage());
    }
}
