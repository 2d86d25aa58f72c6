package dev.condense.engine.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.Dataset;
import dev.condense.engine.data.CorruptDataException;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DataUnavailableException;
import dev.condense.engine.data.EsnliFiles;
import dev.condense.engine.data.PairEncoding;
import dev.condense.engine.data.PairSplits;
import dev.condense.engine.fixtures.MiniLm;
import dev.condense.engine.tokenize.PairTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Data set {@code esnli} on the real shared e-SNLI files: validation 0.1 and seed 7 give the stated 13,766 / 1,967 /
 * 3,933 rows, each row the packed tokens of its pair; at L 64 the 28 long training pairs are refused by row or, when
 * skipped, left out; without a text encoding the data set refuses to load.
 */
class EsnliSourceTest {
    @TempDir
    static Path dir;

    private static DataOptions options(double validation) {
        return new DataOptions(EsnliFiles.locate(Path.of("")).orElseThrow(), dir.resolve("cache"), validation, 0, 0, 7);
    }

    @Test
    void theSeededSplitHasTheStatedSizesAndRowsArePackedTokens() {
        Path tokenizer = MiniLm.tokenizer(dir);
        Dataset d = new EsnliSource().load(options(0.1).withText(new PairEncoding(tokenizer, 128, false)));
        assertEquals(13_766, d.train().size());
        assertEquals(1_967, d.validationSplit().orElseThrow().size());
        assertEquals(3_933, d.test().size());
        assertEquals(3, d.numClasses());
        assertArrayEquals(new long[] {3_933, 3, 128}, d.test().features().shape());
        PairSplits splits = PairSplits.esnli(EsnliFiles.locate(Path.of("")).orElseThrow(), 0.1, 0.2, 7);
        try (PairTokenizer t = PairTokenizer.open(tokenizer, 128)) {
            var first = splits.test().get(0);
            var x = t.encode(List.of(first.premise()), List.of(first.hypothesis()), i -> first.source());
            assertEquals(x.inputIds().castTo(DataType.FLOAT).reshape(128),
                    d.test().features().get(NDArrayIndex.point(0), NDArrayIndex.point(0), NDArrayIndex.all()));
            assertEquals(first.label(), d.test().labels().getInt(0));
            INDArray rationale = d.test().rationales().getRow(0);
            assertEquals(EsnliSource.RATIONALE_PIECES, rationale.length());
            INDArray withSpecial = t.encode(List.of(first.explanations().get(0)), List.of(""), i -> first.source())
                    .inputIds().castTo(DataType.FLOAT).getRow(0);
            int n = rationale.neq(0).castTo(DataType.INT32).sumNumber().intValue();
            assertTrue(n > 0, "the first explanation's word pieces");
            assertEquals(withSpecial.get(NDArrayIndex.interval(1, 1 + n)), rationale.get(NDArrayIndex.interval(0, n)),
                    "the explanation's pieces, without [CLS] and [SEP]");
        }
    }

    @Test
    void allRationalesStackEveryExplanationWithTheFirstAsSliceZero() {
        Path tokenizer = MiniLm.tokenizer(dir);
        DataOptions o = new DataOptions(EsnliFiles.locate(Path.of("")).orElseThrow(), dir.resolve("cache"), 0.1, 0,
                40, 7);
        Dataset first = new EsnliSource().load(o.withText(new PairEncoding(tokenizer, 128, false, false)));
        Dataset all = new EsnliSource().load(o.withText(new PairEncoding(tokenizer, 128, false, true)));
        INDArray r = all.test().rationales();
        assertArrayEquals(new long[] {40, 3, EsnliSource.RATIONALE_PIECES}, r.shape());
        assertEquals(first.test().rationales(), r.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()));
        assertTrue(r.get(NDArrayIndex.all(), NDArrayIndex.point(2), NDArrayIndex.all()).neq(0).any(),
                "the third explanations' pieces");
        assertTrue(!r.get(NDArrayIndex.all(), NDArrayIndex.point(1), NDArrayIndex.all())
                .equals(r.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all())), "different explanations");
    }

    @Test
    void longPairsAreRefusedByRowOrSkipped() {
        Path tokenizer = MiniLm.tokenizer(dir);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> new EsnliSource().load(options(0.1)
                .withText(new PairEncoding(tokenizer, 64, false))));
        assertTrue(e.getMessage().matches(".*/s1\\.(dev|test):\\d+: the pair needs \\d+ tokens, more than the sequence"
                + " length 64 \\(28 of these 13766 rows are longer\\).*"), e.getMessage());
        Dataset d = new EsnliSource().load(options(0.1).withText(new PairEncoding(tokenizer, 64, true)));
        assertEquals(13_766 - 28, d.train().size());
        assertThrows(DataUnavailableException.class, () -> new EsnliSource().load(options(0.1)));
    }
}
