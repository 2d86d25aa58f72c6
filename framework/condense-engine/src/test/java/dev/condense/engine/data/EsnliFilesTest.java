package dev.condense.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** e-SNLI files: planted directories for the located errors, the shared directory for sizes and the seeded split. */
class EsnliFilesTest {
    @TempDir
    Path dir;

    private Path planted(String split, String s1, String labels) throws Exception {
        Files.write(dir.resolve("s1." + split), s1.getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("s2." + split), "h one\nh two\n");
        Files.writeString(dir.resolve("labels." + split), labels);
        for (int k = 1; k <= 3; k++) {
            Files.writeString(dir.resolve("preproc1_expl_" + k + "." + split), "e" + k + " one\ne" + k + " two");
        }
        return dir;
    }

    @Test
    void readsAlignedLinesWithLabelsAndThreeExplanations() throws Exception {
        List<SentencePair> pairs = EsnliFiles.read(planted("dev", "p one\np two\n", "neutral\ncontradiction\n"), "dev");
        assertEquals(2, pairs.size());
        assertEquals(new SentencePair("s1.dev:2", "p two", "h two", 2, List.of("e1 two", "e2 two", "e3 two")), pairs.get(1));
    }

    @Test
    void anEncodingErrorNamesFileLineAndByte() throws Exception {
        planted("dev", "p one\np \u00ff\n", "neutral\nneutral\n"); // 0xff alone is never UTF-8
        String msg = assertThrows(CorruptDataException.class, () -> EsnliFiles.read(dir, "dev")).getMessage();
        assertTrue(msg.contains("s1.dev:2: not UTF-8 (byte 0xff at byte 3 of the line)"), msg);
    }

    @Test
    void aLabelOutsideTheSetNamesFileAndLine() throws Exception {
        planted("test", "p one\np two\n", "neutral\nmaybe\n");
        String msg = assertThrows(CorruptDataException.class, () -> EsnliFiles.read(dir, "test")).getMessage();
        assertTrue(msg.contains("labels.test:2: label 'maybe' is not one of entailment, neutral, contradiction"), msg);
    }

    @Test
    void unequalLineCountsAndAChangedFileAreRefused() throws Exception {
        planted("dev", "p one\n", "neutral\nneutral\n");
        String msg = assertThrows(CorruptDataException.class, () -> EsnliFiles.read(dir, "dev")).getMessage();
        assertTrue(msg.contains("s2.dev") && msg.contains("has 2 lines but s1.dev has 1"), msg);
        planted("dev", "p one\np two\n", "neutral\nneutral\n");
        Files.writeString(dir.resolve("SHA256SUMS"), "00  s1.dev\n");
        msg = assertThrows(CorruptDataException.class, () -> EsnliFiles.read(dir, "dev")).getMessage();
        assertTrue(msg.contains("s1.dev has SHA-256") && msg.contains("SHA256SUMS records 00"), msg);
        assertThrows(IllegalArgumentException.class, () -> EsnliFiles.read(dir, "train"));
        assertThrows(DataUnavailableException.class, () -> EsnliFiles.read(dir.resolve("none"), "dev"));
    }

    @Test
    void theSharedDirectorySplitsIntoStatedSeededParts() {
        Optional<Path> shared = EsnliFiles.locate(Path.of(""));
        assumeTrue(shared.isPresent(), "e-SNLI not found at <ancestor>/shared/datasets/esnli");
        PairSplits a = PairSplits.esnli(shared.get(), 0.1, 0.2, 7);
        assertEquals(19_666, a.train().size() + a.validation().size() + a.test().size());
        assertEquals("13766 train / 1967 validation / 3933 test rows (validation 0.100, test 0.200 of the pool, seed 7)",
                a.describe());
        PairSplits b = PairSplits.esnli(shared.get(), 0.1, 0.2, 7);
        assertEquals(a.validation(), b.validation(), "same seed, same rows");
        assertNotEquals(a.validation(), PairSplits.esnli(shared.get(), 0.1, 0.2, 8).validation());
        long[] counts = new long[3];
        a.train().forEach(p -> counts[p.label()]++);
        assertTrue(counts[0] > 4000 && counts[1] > 4000 && counts[2] > 4000, java.util.Arrays.toString(counts));
    }
}
