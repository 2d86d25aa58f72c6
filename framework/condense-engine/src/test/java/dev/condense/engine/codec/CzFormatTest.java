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
}
