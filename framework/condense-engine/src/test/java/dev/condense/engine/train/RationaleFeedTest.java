package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.loss.RationaleKeys;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rationale feed on planted rationales: one a row is fed as is; with K a row each step feeds one of the row's
 * non-empty explanations, every one about equally often, the same draws for the same seed.
 */
class RationaleFeedTest {
    /** Row r's explanation k is [10 r + k + 1, 0] (row 1: only its third explanation is non-empty). */
    private static INDArray planted() {
        float[][][] ids = new float[3][3][2];
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < 3; k++) {
                ids[r][k][0] = r == 1 && k < 2 ? 0 : 10 * r + k + 1;
            }
        }
        return Nd4j.createFromArray(ids);
    }

    private static INDArray fed(RationaleFeed feed, int epoch, int batch, int[] rows) {
        StepState step = new StepState(null, epoch, 99, batch, 99, null, rows);
        feed.beforeStep(step);
        return step.feeds().get(RationaleKeys.IDS);
    }

    @Test
    void oneRationaleARowIsFedAsIs() {
        INDArray r = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 0}, {4, 5}});
        INDArray ids = fed(new RationaleFeed(r, "s", "m"), 1, 1, new int[] {2, 0});
        assertEquals(Nd4j.createFromArray(new float[][] {{4, 5}, {1, 2}}), ids);
    }

    @Test
    void eachStepDrawsOneOfTheRowsNonEmptyExplanations() {
        RationaleFeed feed = new RationaleFeed(planted(), "s", "m", null, 42);
        int[] seen = new int[3];
        for (int step = 1; step <= 300; step++) {
            INDArray ids = fed(feed, 1 + step / 100, step % 100, new int[] {0, 1, 2});
            assertArrayEquals(new long[] {3, 2}, ids.shape());
            int id0 = ids.getInt(0, 0);
            assertTrue(id0 >= 1 && id0 <= 3, "row 0 draws among its own explanations, was " + id0);
            seen[id0 - 1]++;
            assertEquals(13, ids.getInt(1, 0), "row 1 has one non-empty explanation");
            assertEquals(20, ids.getInt(2, 0) / 10 * 10, "row 2's explanations");
        }
        for (int k = 0; k < 3; k++) {
            assertTrue(seen[k] > 70 && seen[k] < 130, "explanation " + k + " fed " + seen[k] + " of 300 times");
        }
        RationaleFeed again = new RationaleFeed(planted(), "s", "m", null, 42);
        assertEquals(fed(feed, 2, 7, new int[] {0, 2}), fed(again, 2, 7, new int[] {0, 2}), "same seed, same draws");
    }

    @Test
    void refusesRationalesOfAnotherRank() {
        assertThrows(IllegalArgumentException.class, () -> new RationaleFeed(Nd4j.zeros(2, 2, 2, 2), "s", "m", null, 1));
    }

    /**
     * A BERT-style embedding block: word [50, 4] and position [8, 4] tables read by Gathers on axis 0, a [50, 3]
     * table of the wrong width and a [60, 4] one read on axis 1. The word table is the token embeddings.
     */
    @Test
    void theTokenEmbeddingsAreTheWidestRowCountGatheredTableOfTheStatesWidth() {
        ModelGraph g = ModelGraph.builder("embeddings")
                .input(new ValueInfo("ids", ValueInfo.ElementType.INT64, new long[] {-1, 8}))
                .input(new ValueInfo("pos", ValueInfo.ElementType.INT64, new long[] {-1, 8}))
                .initializer("word", Nd4j.rand(DataType.FLOAT, 50, 4))
                .initializer("position", Nd4j.rand(DataType.FLOAT, 8, 4))
                .initializer("narrow", Nd4j.rand(DataType.FLOAT, 50, 3))
                .initializer("across", Nd4j.rand(DataType.FLOAT, 60, 4))
                .node(gather("g1", "position", "pos", 0, "p"))
                .node(gather("g2", "word", "ids", 0, "w"))
                .node(gather("g3", "narrow", "ids", 0, "n"))
                .node(gather("g4", "across", "ids", 1, "a"))
                .node(new Node("add", "Add", List.of("w", "p"), List.of("e"), Map.of()))
                .output(new ValueInfo("e", ValueInfo.ElementType.FLOAT, new long[] {-1, 8, 4}))
                .build();
        assertEquals(Optional.of("word"), RationaleFeed.tokenEmbeddings(g, 4));
        assertEquals(Optional.of("narrow"), RationaleFeed.tokenEmbeddings(g, 3));
        assertEquals(Optional.empty(), RationaleFeed.tokenEmbeddings(g, 5));
    }

    private static Node gather(String name, String table, String ids, long axis, String out) {
        return new Node(name, "Gather", List.of(table, ids), List.of(out), Map.of("axis", axis));
    }
}
