package dev.condense.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuoteTest {

    @Test
    void shortValuesAreQuotedWhole() {
        assertEquals("'lenet-5'", Quote.single("lenet-5"));
        assertEquals("\"x\"", Quote.dquote("x"));
        assertEquals("abc", Quote.cut("abc"));
        assertEquals("'" + "a".repeat(80) + "'", Quote.single("a".repeat(80)));
    }

    @Test
    void longValuesKeepEightyCodePointsAndTheirLength() {
        String name = "b".repeat(2_000_000);
        String q = Quote.single(name);
        assertEquals("'" + "b".repeat(80) + "…' (2000000 characters)", q);
        assertEquals("b".repeat(80) + "… (81 characters)", Quote.cut("b".repeat(81)));
    }

    @Test
    void cutsNeverSplitASurrogatePair() {
        String emoji = "\uD83D\uDE00".repeat(100); // 100 code points, 200 chars
        String q = Quote.cut(emoji);
        assertEquals("\uD83D\uDE00".repeat(80) + "… (100 characters)", q);
    }

    @Test
    void controlCharactersAreEscapedSoAMessageStaysOneLine() {
        String q = Quote.single("root:x:0:0\nbin\r\t\u001b[2J\u2028end");
        assertFalse(q.contains("\n") || q.contains("\r") || q.contains("\u001b") || q.contains("\u2028"), q);
        assertEquals("'root:x:0:0\\nbin\\r\\t\\u001b[2J\\u2028end'", q);
    }

    @Test
    void messagesAreCutAtTheirOwnBound() {
        String m = "x".repeat(Quote.MAX_MESSAGE + 5);
        assertTrue(Quote.message(m).endsWith("… (" + (Quote.MAX_MESSAGE + 5) + " characters)"));
        assertEquals("fine", Quote.message("fine"));
        assertEquals("null", Quote.single(null));
    }

    @Test
    void longPathsKeepTheirEnd() {
        String shortPath = "/work/runs/vgg-small-fashion/model.onnx";
        assertEquals(shortPath, Quote.path(java.nio.file.Path.of(shortPath)));
        String deep = "/d".repeat(200) + "/model.onnx";
        String q = Quote.path(deep);
        assertTrue(q.startsWith("…") && q.endsWith("/model.onnx (" + deep.length() + " characters)"), q);
        assertEquals(1 + Quote.MAX_PATH + (" (" + deep.length() + " characters)").length(), q.length());
    }
}
