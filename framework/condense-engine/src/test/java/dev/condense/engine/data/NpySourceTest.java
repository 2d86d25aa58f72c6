package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.Dataset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpySourceTest {

    /** A version-1 .npy file: magic, version, header padded with spaces to a multiple of 64, payload. */
    static byte[] npy(String descr, long[] shape, byte[] payload) {
        String dims = String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList()) + (shape.length == 1 ? "," : "");
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        return bb.put(header.toString().getBytes(StandardCharsets.ISO_8859_1)).put(payload).array();
    }

    static byte[] floats(float... v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bb.putFloat(f);
        }
        return bb.array();
    }

    static byte[] longs(long... v) {
        ByteBuffer bb = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : v) {
            bb.putLong(l);
        }
        return bb.array();
    }

    private static void plant(Path dir) throws IOException {
        Files.write(dir.resolve("x_train.npy"), npy("|u1", new long[] {3, 1, 2, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255}));
        Files.write(dir.resolve("y_train.npy"), npy("<i8", new long[] {3}, longs(0, 1, 2)));
        Files.write(dir.resolve("x_test.npy"), npy("<f4", new long[] {2, 1, 2, 2}, floats(0.5f, 1, 2, 3, 4, 5, 6, 7)));
        Files.write(dir.resolve("y_test.npy"), npy("|u1", new long[] {2, 1}, new byte[] {1, 0}));
    }

    @Test
    void readsUint8AndFloatFeaturesAndIntegerLabels(@TempDir Path dir) throws IOException {
        plant(dir);
        Dataset ds = new NpySource().load(DataOptions.defaults().withDataDir(dir));
        assertEquals(3, ds.numClasses());
        assertArrayEquals(new long[] {2, 1, 2, 2}, ds.test().features().shape());
        assertArrayEquals(new float[] {0.5f, 1, 2, 3}, ds.test().features().reshape(2, 4).getRow(0).toFloatVector());
        assertArrayEquals(new float[] {1, 0}, ds.test().labels().toFloatVector());
        assertEquals(1.0, ds.train().features().maxNumber().doubleValue(), 1e-6); // 255 / 255
        assertArrayEquals(new long[] {3, 1, 2, 2}, ds.train().features().shape());
    }

    @Test
    void malformedFilesNameTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        plant(dir);
        Files.write(dir.resolve("x_test.npy"), npy("<f4", new long[] {2, 1, 2, 2}, floats(1, 2, 3)));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> new NpySource().load(DataOptions.defaults().withDataDir(dir)));
        assertTrue(e.getMessage().contains("x_test.npy: payload has 12 bytes but shape [2, 1, 2, 2] of <f4 needs 32 (truncated)"), e.getMessage());
        Files.write(dir.resolve("x_test.npy"), npy("<f8", new long[] {1}, new byte[8]));
        e = assertThrows(CorruptDataException.class, () -> new NpySource().load(DataOptions.defaults().withDataDir(dir)));
        assertTrue(e.getMessage().contains("x_test.npy: element type '<f8' is not supported"), e.getMessage());
        Files.writeString(dir.resolve("x_test.npy"), "0,1,2\n");
        e = assertThrows(CorruptDataException.class, () -> new NpySource().load(DataOptions.defaults().withDataDir(dir)));
        assertTrue(e.getMessage().contains("x_test.npy: not a NumPy .npy file"), e.getMessage());
    }

    @Test
    void negativeLabelsAreRejected(@TempDir Path dir) throws IOException {
        plant(dir);
        Files.write(dir.resolve("y_train.npy"), npy("<i8", new long[] {3}, longs(0, -1, 2)));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> new NpySource().load(DataOptions.defaults().withDataDir(dir)));
        assertTrue(e.getMessage().contains("y_train.npy: label -1") && e.getMessage().contains("negative"), e.getMessage());
    }
}
