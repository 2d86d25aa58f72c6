package dev.condense.engine.codec;

import java.util.Arrays;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** The zlib (RFC 1950) form of a {@code model.cz} container's ONNX skeleton ({@link CzFormat}). */
final class SkeletonZlib {
    private SkeletonZlib() {
    }

    /** {@code raw} deflated at the best compression. */
    static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(raw);
            deflater.finish();
            byte[] buffer = new byte[Math.max(64, raw.length + raw.length / 100 + 64)];
            int n = 0;
            while (!deflater.finished()) {
                if (n == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                n += deflater.deflate(buffer, n, buffer.length - n);
            }
            return Arrays.copyOf(buffer, n);
        } finally {
            deflater.end();
        }
    }

    /**
     * {@code deflated} inflated to exactly {@code size} bytes.
     *
     * @param error turns a message into the reader's located error
     * @throws CodecException from {@code error} when the data is not zlib or not {@code size} bytes inflated
     */
    static byte[] inflate(byte[] deflated, int size, Function<String, CodecException> error) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(deflated);
            byte[] out = new byte[size];
            int n = 0;
            while (n < size && !inflater.finished()) {
                int got = inflater.inflate(out, n, size - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != size || !inflater.finished()) {
                throw error.apply("the model skeleton does not inflate to its stated " + size + " bytes");
            }
            return out;
        } catch (DataFormatException e) {
            throw error.apply("the model skeleton is not valid zlib data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }
}
