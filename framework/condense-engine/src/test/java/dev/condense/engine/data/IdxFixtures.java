package dev.condense.engine.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes tiny IDX files for tests. Image row r has pixel 0 = r % 256, pixel 1 = r / 256, the rest (r + i) % 256. */
final class IdxFixtures {

    private IdxFixtures() {
    }

    static byte[] idx(int[] dims, byte[] payload) {
        ByteBuffer bb = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        bb.putInt(0x0800 | dims.length);
        for (int d : dims) {
            bb.putInt(d);
        }
        return bb.put(payload).array();
    }

    static byte[] images(int n, int h, int w) {
        byte[] payload = new byte[n * h * w];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < h * w; i++) {
                payload[r * h * w + i] = (byte) ((r + i) % 256);
            }
            payload[r * h * w] = (byte) (r % 256);
            payload[r * h * w + 1] = (byte) (r / 256);
        }
        return idx(new int[] {n, h, w}, payload);
    }

    static byte[] labels(int n) {
        byte[] payload = new byte[n];
        for (int r = 0; r < n; r++) {
            payload[r] = (byte) (r % 10);
        }
        return idx(new int[] {n}, payload);
    }

    /** Plants an MNIST-shaped set (28x28) and returns the SHA-256 of each file. */
    static Map<String, String> plantMnist(Path dir, int nTrain, int nTest, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        Map<String, byte[]> files = Map.of(
                MnistSource.TRAIN_IMAGES, images(nTrain, 28, 28), MnistSource.TRAIN_LABELS, labels(nTrain),
                MnistSource.TEST_IMAGES, images(nTest, 28, 28), MnistSource.TEST_LABELS, labels(nTest));
        Map<String, String> hashes = new HashMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            write(dir.resolve(e.getKey() + (gzip ? ".gz" : "")), e.getValue(), gzip);
            hashes.put(e.getKey(), MnistFiles.sha256(e.getValue()));
        }
        return hashes;
    }

    static void write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
    }
}
