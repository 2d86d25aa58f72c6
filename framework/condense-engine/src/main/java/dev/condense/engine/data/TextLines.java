package dev.condense.engine.data;

import dev.condense.engine.text.Quote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a text file, decoded as strict UTF-8: a byte sequence that is not UTF-8 is a
 * {@link CorruptDataException} naming the file, the line and the byte offset within it, never a replacement
 * character in the data. A final line without a newline counts; a trailing newline adds no empty line. A
 * carriage return before the newline is dropped.
 */
final class TextLines {

    private TextLines() {
    }

    static List<String> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            lines.add(decode(utf8, bytes, start, stop, file, lines.size() + 1));
            start = end + 1;
        }
        return lines;
    }

    private static String decode(CharsetDecoder utf8, byte[] bytes, int from, int to, Path file, int line) {
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            int at = from;
            while (at < to && valid(utf8, bytes, from, at + 1)) {
                at++;
            }
            throw new CorruptDataException(Quote.path(file) + ":" + line + ": not UTF-8 (byte 0x"
                    + String.format("%02x", bytes[Math.min(at, to - 1)] & 0xff) + " at byte " + (at - from + 1)
                    + " of the line)");
        }
    }

    /** Whether {@code bytes[from, to)} is a valid UTF-8 prefix (a sequence cut at {@code to} is allowed). */
    private static boolean valid(CharsetDecoder utf8, byte[] bytes, int from, int to) {
        utf8.reset();
        var r = utf8.decode(ByteBuffer.wrap(bytes, from, to - from), java.nio.CharBuffer.allocate(to - from + 1), false);
        return !r.isError();
    }
}
