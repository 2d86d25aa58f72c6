package dev.condense.engine.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.engine.fixtures.MiniLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sentence pairs through MiniLM's tokenizer.json: BERT's pair layout, padding, and located errors. */
class PairTokenizerTest {
    @TempDir
    static Path dir;

    /** MiniLM's (uncased BERT) vocabulary: [PAD] 0, [CLS] 101, [SEP] 102, "a" 1037, "dog" 3899, "runs" 3216. */
    @Test
    void aPairIsClsPremiseSepHypothesisSepThenPadding() {
        try (PairTokenizer t = PairTokenizer.open(MiniLm.tokenizer(dir), 10)) {
            PairTokenizer.EncodedPairs e = t.encode(List.of("A dog"), List.of("runs"), i -> "row " + i);
            assertArrayEquals(new long[] {101, 1037, 3899, 102, 3216, 102, 0, 0, 0, 0}, e.inputIds().toLongVector());
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, e.attentionMask().toLongVector());
            assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 0, 0, 0, 0}, e.tokenTypeIds().toLongVector());
            assertArrayEquals(new long[] {1, 10}, e.inputIds().shape());
        }
    }

    @Test
    void aPairLongerThanTheSequenceIsAnErrorNamingTheRow() {
        try (PairTokenizer t = PairTokenizer.open(MiniLm.tokenizer(dir), 6)) {
            String msg = assertThrows(IllegalArgumentException.class, () -> t.encode(List.of("A dog", "A dog runs"),
                    List.of("runs", "runs"), i -> "s1.dev:" + (i + 1))).getMessage();
            assertTrue(msg.startsWith("s1.dev:2: the pair needs 7 tokens, more than the sequence length 6"), msg);
        }
    }

    @Test
    void badArgumentsAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> PairTokenizer.open(MiniLm.tokenizer(dir), 513));
        Path missing = dir.resolve("missing.json");
        String msg = assertThrows(IllegalArgumentException.class, () -> PairTokenizer.open(missing, 64)).getMessage();
        assertTrue(msg.contains("missing.json"), msg);
        Path notJson = Files.writeString(dir.resolve("bad.json"), "{not a tokenizer");
        msg = assertThrows(IllegalArgumentException.class, () -> PairTokenizer.open(notJson, 64)).getMessage();
        assertTrue(msg.contains("bad.json") && msg.contains("not a HuggingFace tokenizer.json"), msg);
        try (PairTokenizer t = PairTokenizer.open(MiniLm.tokenizer(dir), 8)) {
            assertEquals(8, t.length());
            assertThrows(IllegalArgumentException.class, () -> t.encode(List.of("a"), List.of(), i -> ""));
        }
    }
}
