package dev.condense.kernel.recipe;

import dev.condense.engine.io.InputFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads the text of a recipe file or an {@code extends} base: a regular, readable file of at most {@link #MAX_BYTES}
 * bytes holding UTF-8 text. A directory, FIFO, device, missing or unreadable file is refused before it is opened (so
 * nothing blocks), each with its own message; bytes that are not UTF-8 are an error at their line and column naming
 * the byte offset. No message quotes the file's contents.
 */
final class RecipeFiles {
    /** The largest recipe or base file read, in bytes (1 MiB). */
    static final int MAX_BYTES = 1 << 20;

    private RecipeFiles() {
    }

    /**
     * The text of {@code file}.
     *
     * @param what  the noun for messages, e.g. {@code "recipe file"}
     * @param fail  makes the exception for a problem with the file as a whole (kind, size, read error)
     * @throws RecipeException from {@code fail}, or at the first byte that is not UTF-8
     */
    static String read(Path file, String what, Function<String, RecipeException> fail) {
        InputFiles.fileProblem(file).ifPresent(p -> {
            throw fail.apply(what + " " + p);
        });
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw fail.apply(tooLarge(what, size));
            }
            bytes = InputFiles.readAtMost(file, MAX_BYTES);
        } catch (IOException e) {
            throw fail.apply("cannot read " + what + ": " + e.getClass().getSimpleName());
        }
        if (bytes.length > MAX_BYTES) {
            throw fail.apply(what + " is larger than the limit of " + InputFiles.size(MAX_BYTES));
        }
        return decode(file, bytes);
    }

    private static String tooLarge(String what, long size) {
        return what + " is " + InputFiles.size(size) + ", over the limit of " + InputFiles.size(MAX_BYTES);
    }

    /** {@code bytes} decoded as UTF-8; the first malformed byte is an error at its line and column. */
    static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            out.flip();
            throw new RecipeException(position(file, out),
                    String.format(Locale.ROOT, "not valid UTF-8: byte 0x%02x at byte offset %d; a recipe must be "
                            + "UTF-8 text", bytes[offset] & 0xff, offset));
        }
        out.flip();
        return out.toString();
    }

    /** The line and column just after {@code text} (line breaks: LF, CRLF, CR; columns in code points). */
    private static Location position(Path file, CharSequence text) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                line++;
                lineStart = i + 1;
            }
        }
        String last = text.subSequence(lineStart, text.length()).toString();
        return new Location(file, line, last.codePointCount(0, last.length()) + 1);
    }
}
