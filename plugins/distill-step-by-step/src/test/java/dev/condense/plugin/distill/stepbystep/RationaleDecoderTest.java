package dev.condense.plugin.distill.stepbystep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.condense.engine.train.EmbeddingGather;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The rationale head alone: its reduced vocabulary, its starting loss, and its loss falling on a planted task. */
class RationaleDecoderTest {

    /**
     * A run's engine registers its own gather backward ({@link EmbeddingGather}) before any loss is built, and the tied
     * head's gather of the student's embedding rows trains through it (ND4J 1.0.0-M2.1's own gather backward fails:
     * "Output array did not match expected shape"). These tests build the head without a run, so they load it too;
     * without this the tied test passed only when another test class had loaded the engine first.
     */
    @BeforeAll
    static void loadTheEnginesGatherBackward() {
        new EmbeddingGather();
    }

    @Test
    void theVocabularyKeepsTheKMostFrequentPieces() {
        INDArray counts = Nd4j.createFromArray(new float[] {0, 5, 1, 7, 0, 2});
        assertArrayEquals(new int[] {3, 1}, RationaleVocabulary.kept(counts, 2));
        assertArrayEquals(new int[] {3, 1, 5, 2}, RationaleVocabulary.kept(counts, 10), "only pieces that occur");
        INDArray table = RationaleVocabulary.lookup(RationaleVocabulary.kept(counts, 2), 6);
        assertArrayEquals(new float[] {2, 1, 2, 0, 2, 2}, table.dup().data().asFloat(), 0f);
    }

    /**
     * Eight rows; row r's token states carry its class c = r mod 4 (a one-hot in the first 4 of 6 dimensions, on the
     * unmasked tokens; masked tokens carry noise), and its rationale is (10 + c, 20, 10 + c, 30), then padding. A
     * decoder that reads the states through cross-attention (and its own prefix through self-attention) can predict
     * every piece; one that cannot sees 4 equally likely first pieces. The loss starts near ln(K + 1) and falls.
     */
    @Test
    void theHeadLossFallsOnAPlantedTask() {
        Planted p = planted();
        SameDiff sd = SameDiff.create();
        SDVariable loss = RationaleDecoder.loss(sd, new RationaleDecoder.Student(sd.constant("states", p.states), 6,
                sd.constant("mask", p.mask), null, null), sd.constant("ids", p.ids), p.counts,
                new StepByStepParams(0.5, 8, 5, 16, false));
        double first = loss.eval().getDouble(0);
        assertEquals(Math.log(7), first, 1.0, "a fresh head is near uniform over K + 1 classes (6 pieces occur)");
        List<String> weights = headWeights(sd);
        double last = descend(sd, loss, weights, 150);
        assertTrue(last < 0.1 * first, "the head's loss falls from " + first + " to " + last);
    }

    /**
     * Tied to a [31, 6] token-embedding table (a variable outside the head), the head learns the same planted task,
     * and its loss trains the table's rows of the kept pieces (10-13, 20, 30) and no other row.
     */
    @Test
    void aTiedHeadLearnsThroughTheStudentsEmbeddingsAndTrainsOnlyTheKeptRows() {
        Planted p = planted();
        SameDiff sd = SameDiff.create();
        SDVariable table = sd.var("word", Nd4j.randn(DataType.FLOAT, 31, 6).muli(0.1));
        SDVariable loss = RationaleDecoder.loss(sd, new RationaleDecoder.Student(sd.constant("states", p.states), 6,
                sd.constant("mask", p.mask), table, null), sd.constant("ids", p.ids), p.counts,
                new StepByStepParams(0.5, 8, 5, 16, true));
        double first = loss.eval().getDouble(0);
        List<String> weights = headWeights(sd);
        weights.add("word");
        INDArray gradient = sd.calculateGradients(Map.of(), weights).get("word");
        for (int row = 0; row < 31; row++) {
            boolean kept = row >= 10 && row <= 13 || row == 20 || row == 30;
            double norm = gradient.getRow(row).norm2Number().doubleValue();
            assertTrue(kept ? norm > 0 : norm == 0, "row " + row + " gradient norm " + norm);
        }
        double last = descend(sd, loss, weights, 150);
        assertTrue(last < 0.1 * first, "the tied head's loss falls from " + first + " to " + last);
    }

    /**
     * Eight rows of three tokens with random ids in [10, 30) whose states carry only each token's position (a one-hot
     * in the first 3 of 4 dimensions); the rationale is the three ids in order. A head that only generates cannot
     * know a row's first id (it may learn the rest from the first, teacher-forced), so its mean loss per piece stays
     * at or above a third of the first ids' entropy; a copying head learns to point at position 0, 1, 2 in turn, and
     * its loss falls far below that floor.
     */
    @Test
    void aCopyingHeadWritesPiecesItCanOnlyReadFromTheInput() {
        Nd4j.getRandom().setSeed(5);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int n = 8;
        float[][][] states = new float[n][4][4];
        float[][] mask = new float[n][4];
        float[][] tokens = new float[n][4];
        float[][] ids = new float[n][3];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < 3; j++) {
                states[r][j][j] = 1;
                mask[r][j] = 1;
                tokens[r][j] = 10 + random.nextInt(20);
                ids[r][j] = tokens[r][j];
            }
            tokens[r][3] = 101;   // a special token after the pair, masked: never copied
            states[r][3][3] = 1;
        }
        INDArray counts = Nd4j.ones(DataType.FLOAT, 30);
        counts.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10)).assign(0);
        double[] last = new double[2];
        for (int copy = 0; copy < 2; copy++) {
            SameDiff sd = SameDiff.create();
            SDVariable loss = RationaleDecoder.loss(sd, new RationaleDecoder.Student(sd.constant("states",
                    Nd4j.createFromArray(states)), 4, sd.constant("mask", Nd4j.createFromArray(mask)), null,
                    copy == 1 ? sd.constant("tokens", Nd4j.createFromArray(tokens)) : null), sd.constant("ids",
                    Nd4j.createFromArray(ids)), counts, new StepByStepParams(0.5, 30, 3, 16, false, copy == 1));
            last[copy] = descend(sd, loss, headWeights(sd), 300);
        }
        double floor = entropy(ids) / 3;
        assertTrue(last[0] > 0.9 * floor, "generating only, the first id cannot be known: loss " + last[0]
                + ", floor " + floor);
        assertTrue(last[1] < 0.2 * floor, "copying, the loss falls to " + last[1] + ", floor " + floor);
    }

    /** Entropy in nats of the rows' first ids. */
    private static double entropy(float[][] ids) {
        Map<Float, Integer> counts = new java.util.HashMap<>();
        for (float[] row : ids) {
            counts.merge(row[0], 1, Integer::sum);
        }
        return -counts.values().stream().mapToDouble(c -> (double) c / ids.length)
                .map(q -> q * Math.log(q)).sum();
    }

    private record Planted(INDArray states, INDArray mask, INDArray ids, INDArray counts) {
    }

    private static List<String> headWeights(SameDiff sd) {
        List<String> weights = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && !v.name().equals("word")) {
                assertTrue(v.name().startsWith(RationaleDecoder.PREFIX), v.name());
                weights.add(v.name());
            }
        }
        return weights;
    }

    private static double descend(SameDiff sd, SDVariable loss, List<String> weights, int steps) {
        sd.setLossVariables(loss);
        double last = Double.NaN;
        for (int step = 0; step < steps; step++) {
            Map<String, INDArray> g = sd.calculateGradients(Map.of(), weights);
            for (String w : weights) {
                sd.getArrForVarName(w).subi(g.get(w).mul(0.1));
            }
            last = loss.eval().getDouble(0);
        }
        return last;
    }

    private static Planted planted() {
        Nd4j.getRandom().setSeed(3);
        int n = 8;
        int l = 5;
        float[][][] states = new float[n][l][6];
        float[][] mask = new float[n][l];
        float[][] ids = new float[n][6];
        INDArray noise = Nd4j.rand(DataType.FLOAT, n, l, 6);
        for (int r = 0; r < n; r++) {
            int c = r % 4;
            int len = 2 + r % 3;
            for (int j = 0; j < l; j++) {
                mask[r][j] = j < len ? 1 : 0;
                for (int d = 0; d < 6; d++) {
                    states[r][j][d] = j < len ? (d == c ? 1 : 0) : noise.getFloat(r, j, d) * 5;
                }
            }
            ids[r] = new float[] {10 + c, 20, 10 + c, 30, 0, 0};
        }
        INDArray counts = Nd4j.zeros(DataType.FLOAT, 31);
        for (float[] row : ids) {
            for (float id : row) {
                if (id > 0) {
                    counts.putScalar((int) id, counts.getFloat((int) id) + 1);
                }
            }
        }
        return new Planted(Nd4j.createFromArray(states), Nd4j.createFromArray(mask), Nd4j.createFromArray(ids), counts);
    }
}
