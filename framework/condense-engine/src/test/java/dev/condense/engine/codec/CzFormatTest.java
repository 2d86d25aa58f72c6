package dev.condense.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.condense.api.model.Codebook;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CzFormatTest {

    /** A [6, 10] weight, 70% pruned, on 4 centroids of which one is zero; seeded. */
    static CodedLayer planted(String name, int indexBits) {
        java.util.Random random = new java.util.Random(21);
        int[] idx = new int[60];
        for (int i = 0; i < idx.length; i++) { // non-zero (30%): centroid 0, 2 or 3; pruned: 1 (the zero centroid)
            idx[i] = random.nextDouble() < 0.3 ? new int[] {0, 2, 3}[random.nextInt(3)] : 1;
        }
        Codebook book = new Codebook(Nd4j.createFromArray(-0.5f, 0f, 0.25f, 0.75f),
                Nd4j.createFromArray(idx).reshape(6, 10));
        return CodedLayer.encode(name, book.weights(), book, indexBits);
    }

    static byte[] bytes(CzFormat.Container c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CzFormat.write(c, out);
        return out.toByteArray();
    }

    static CzFormat.Container container() {
        return new CzFormat.Container("not really onnx, just bytes".getBytes(StandardCharsets.UTF_8),
                List.of(planted("a", 3), planted("b", 5)));
    }

    @Test
    void aLayerDecodesToItsWeightsBitForBit() {
        CodedLayer layer = planted("w", 3);
        assertArrayEquals(new float[] {-0.5f, 0.25f, 0.75f}, layer.centroids());
        INDArray decoded = layer.decode();
        assertArrayEquals(new long[] {6, 10}, decoded.shape());
        float[] w = decoded.data().asFloat();
        long zeros = Arrays.stream(box(w)).filter(v -> v == 0f).count();
        assertTrue(zeros > 25 && zeros < 60, "about 70% zeros: " + zeros);
        INDArray again = planted("w", 3).decode();
        assertArrayEquals(w, again.data().asFloat());
    }

    private static Float[] box(float[] w) {
        Float[] b = new Float[w.length];
        for (int i = 0; i < w.length; i++) {
            b[i] = w[i];
        }
        return b;
    }

    @Test
    void writtenContainersReadBackTheSame() throws IOException {
        CzFormat.Container c = container();
        CzFormat.Container r = CzFormat.read(new ByteArrayInputStream(bytes(c)), "m.cz");
        assertArrayEquals(c.skeleton(), r.skeleton());
        assertEquals(2, r.layers().size());
        for (int i = 0; i < 2; i++) {
            assertEquals(c.layers().get(i).name(), r.layers().get(i).name());
            assertArrayEquals(c.layers().get(i).decode().data().asFloat(), r.layers().get(i).decode().data().asFloat());
        }
    }

    /** Every single changed byte and every truncation is an error naming the file: never a wrong model. */
    @Test
    void everyChangedByteAndEveryTruncationIsAnError() throws IOException {
        byte[] good = bytes(container());
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            expectError(bad, "byte " + i + " changed");
            expectError(Arrays.copyOf(good, i), "truncated to " + i);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        expectError(longer, "one byte appended");
    }

    private static void expectError(byte[] bytes, String what) throws IOException {
        try {
            CzFormat.read(new ByteArrayInputStream(bytes), "m.cz");
            fail(what + ": read without error");
        } catch (CodecException e) {
            assertTrue(e.getMessage().startsWith("m.cz: byte "), what + ": " + e.getMessage());
        }
    }

    @Test
    void anotherFileOrVersionIsNamed() {
        CodecException e = assertThrows(CodecException.class, () -> CzFormat.read(
                new ByteArrayInputStream("ONNX and more bytes".getBytes(StandardCharsets.UTF_8)), "m.cz"));
        assertTrue(e.getMessage().contains("not a Condense container"), e.getMessage());
    }

    /** The planted layer with float16 centroids: 0.1 is not a binary16 value, so it is rounded before coding. */
    static CodedLayer plantedHalf(String name) {
        Codebook book = new Codebook(Nd4j.createFromArray(0.1f, 0f, -1.5f),
                Nd4j.createFromArray(new int[] {0, 1, 1, 2, 1, 0, 1, 1, 1, 2, 1, 1}).reshape(3, 4));
        Codebook half = CzModel.projected(book, CentroidPrecision.FLOAT16);
        return CodedLayer.encode(name, half.weights(), half, CentroidPrecision.FLOAT16, 4);
    }

    @Test
    void float32ContainersStayVersionOneAndFloat16OnesAreVersionTwo() throws IOException {
        byte[] v1 = bytes(container());
        assertEquals(1, ((v1[4] & 0xff) << 8) | (v1[5] & 0xff));
        CzFormat.Container mixed = new CzFormat.Container(new byte[] {1, 2, 3},
                List.of(planted("a", 3), plantedHalf("h")));
        byte[] v2 = bytes(mixed);
        assertEquals(2, ((v2[4] & 0xff) << 8) | (v2[5] & 0xff));
        CzFormat.Container back = CzFormat.read(new ByteArrayInputStream(v2), "m.cz");
        assertEquals(CentroidPrecision.FLOAT32, back.layers().get(0).precision());
        assertEquals(CentroidPrecision.FLOAT16, back.layers().get(1).precision());
        // 0.1f rounds to binary16 0x2E66 = 0.0999755859375; -1.5 is exact
        assertArrayEquals(new float[] {0.0999755859375f, -1.5f}, back.layers().get(1).centroids());
        assertArrayEquals(new float[] {0.0999755859375f, 0, 0, -1.5f, 0, 0.0999755859375f, 0, 0, 0, -1.5f, 0, 0},
                back.layers().get(1).decode().data().asFloat());
        assertArrayEquals(planted("a", 3).decode().data().asFloat(), back.layers().get(0).decode().data().asFloat());
        // the same layers all float32: a version-1 file, longer by the layer byte's absence minus 2 bytes a centroid
        CzFormat.Container asFloat = new CzFormat.Container(new byte[] {1, 2, 3},
                List.of(planted("a", 3), CodedLayer.encode("h", plantedHalf("h").decode(),
                        new Codebook(Nd4j.createFromArray(0.0999755859375f, 0f, -1.5f),
                                Nd4j.createFromArray(new int[] {0, 1, 1, 2, 1, 0, 1, 1, 1, 2, 1, 1}).reshape(3, 4)),
                        4)));
        assertEquals(bytes(asFloat).length + 2 /* precision bytes */ + 4 /* binarized-layer count */
                - 2 * 2 /* two centroids, 2 bytes less */,
                v2.length);
        StorageTable.Row row = StorageTable.of(List.of(plantedHalf("h"))).rows().get(0);
        assertEquals((row.entries() * (2 + 4) + 7) / 8 + 2 * 2, row.quantizedBytes(), "2-bit values, 4-bit gaps, 2 x 2 B");
    }

    @Test
    void aFloat16LayerRefusesCentroidsThatAreNotFloat16Values() {
        CodedLayer good = plantedHalf("h");
        CodecException e = assertThrows(CodecException.class, () -> new CodedLayer("h", good.shape(),
                new float[] {0.1f, -1.5f}, CentroidPrecision.FLOAT16, 4, good.values(), good.gaps()));
        assertTrue(e.getMessage().contains("float16 does not hold"), e.getMessage());
    }

    @Test
    void anUnknownCentroidPrecisionIsALocatedError() throws IOException {
        byte[] v2 = bytes(new CzFormat.Container(new byte[] {1, 2, 3}, List.of(plantedHalf("h"))));
        // layer count at 4+2+2+4+4+deflated; find the precision byte: after name (u16 + 1 byte) rank (u8) dims (2 x i64)
        // index bits (u8)
        int deflated = ((v2[8] & 0xff) << 24) | ((v2[9] & 0xff) << 16) | ((v2[10] & 0xff) << 8) | (v2[11] & 0xff);
        int at = 16 + deflated + 4 + 2 + 1 + 1 + 16 + 1;
        assertEquals(1, v2[at]);
        v2[at] = 7;
        CodecException e = assertThrows(CodecException.class,
                () -> CzFormat.read(new ByteArrayInputStream(v2), "m.cz"));
        assertEquals("m.cz: byte " + at + ": h: centroid precision 7 (0 float32, 1 float16)", e.getMessage());
    }

    @Test
    void binarizedLayersRoundTripAndEveryChangedByteIsAnError() throws IOException {
        SignLayer signs = SignLayer.of("w.quantized", Nd4j.createFromArray(new byte[] {1, -1, -1, 1, 1, 1, -1, 1, -1, -1})
                .reshape(2, 5));
        assertEquals(2, signs.packed().length);
        CzFormat.Container c = new CzFormat.Container(new byte[] {9, 8, 7}, List.of(planted("a", 3)), List.of(signs));
        byte[] good = bytes(c);
        assertEquals(2, ((good[4] & 0xff) << 8) | (good[5] & 0xff));
        CzFormat.Container back = CzFormat.read(new ByteArrayInputStream(good), "m.cz");
        assertArrayEquals(new byte[] {1, -1, -1, 1, 1, 1, -1, 1, -1, -1}, back.signs().get(0).int8());
        assertArrayEquals(new long[] {2, 5}, back.signs().get(0).shape());
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x04;
            expectError(bad, "byte " + i + " changed");
            expectError(Arrays.copyOf(good, i), "truncated to " + i);
        }
        CodecException e = assertThrows(CodecException.class,
                () -> SignLayer.of("t", Nd4j.createFromArray(new byte[] {1, 0, -1})));
        assertTrue(e.getMessage().contains("+1 and -1 only"), e.getMessage());
    }
}
