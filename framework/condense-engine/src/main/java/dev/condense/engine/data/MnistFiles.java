package dev.condense.engine.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** File-level helpers of {@link MnistSource}: locating, hashing and cross-checking the four IDX files. */
final class MnistFiles {

    private MnistFiles() {
    }

    /** {@code dir/name}, else {@code dir/name.gz}, else empty. */
    static Optional<Path> locate(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? Optional.of(gz) : Optional.empty();
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** Checks the SHA-256 of the (decompressed) content of {@code file}. */
    static void verify(Path file, byte[] content, String expected) {
        String actual = sha256(content);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new CorruptDataException(file + ": SHA-256 of the " + (file.toString().endsWith(".gz") ? "decompressed " : "")
                    + "content is " + actual + " but " + expected + " was expected; the file is damaged or not the "
                    + "original data set (delete it to fetch it again, or point --data-dir at the original files)");
        }
    }

    /** Hash of the lines {@code "<name> <sha256>\n"} in name order. */
    static String combinedHash(Map<String, String> sha256ByFile) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(sha256ByFile).forEach((name, sha) -> text.append(name).append(' ').append(sha.toLowerCase()).append('\n'));
        return sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Checks that images are {@code [N, side, side]} and that the label file has the same N; returns the images. */
    static IdxFile checkPair(IdxFile images, IdxFile labels, int side) {
        int[] d = images.dims();
        if (d[1] != side || d[2] != side) {
            throw new CorruptDataException(images.source() + ": images are " + d[1] + "x" + d[2] + ", expected " + side + "x" + side);
        }
        if (labels.rows() != images.rows()) {
            throw new CorruptDataException(labels.source() + ": " + labels.rows() + " labels but " + images.source()
                    + " has " + images.rows() + " images");
        }
        return images;
    }
}
