package dev.condense.plugin.distill.stepbystep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.nlp.MeanPooling;
import dev.condense.engine.nlp.PackedInputs;
import dev.condense.engine.nlp.PairClassifier;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.train.RationaleFeed;
import dev.condense.engine.train.Trainer;
import dev.condense.testkit.LossFunctionContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code step-by-step} through the engine's trainer on a planted packed token classifier: alpha 1 is labels-only
 * training (the same weights, bit for bit), and the student trained with the rationale head exports without any
 * trace of it. The contract runs at alpha 1 (its inputs carry no rationales).
 */
class StepByStepLossTest extends LossFunctionContract<StepByStepParams> {
    private static final int L = 4;
    private static final String MASK = PackedInputs.PACKED + ".1.float";

    @TempDir
    Path dir;

    @Override
    protected LossFunction<StepByStepParams> extension() {
        return new StepByStepLoss();
    }

    @Override
    protected StepByStepParams params() {
        return new StepByStepParams(1.0, null, null, null, null);
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new StepByStepParams(-0.1, null, null, null, null), () -> new StepByStepParams(1.5, null, null, null, null),
                () -> new StepByStepParams(Double.NaN, null, null, null, null), () -> new StepByStepParams(null, 0, null, null, null),
                () -> new StepByStepParams(null, null, 0, null, null), () -> new StepByStepParams(null, null, null, 4, null));
        // copy has no invalid value: null and false both mean no copying
    }

    /** Word and token-type embeddings (width 4) writing last_hidden_state, masked mean pooling, a linear 4 -> 3 head. */
    private static ModelGraph classifier() {
        ModelGraph enc = ModelGraph.builder("enc")
                .input(new ValueInfo("ids", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .input(new ValueInfo("mask", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .input(new ValueInfo("types", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .initializer("words", Nd4j.rand(DataType.FLOAT, 6, 4).subi(0.5).muli(0.1))
                .initializer("typeTable", Nd4j.rand(DataType.FLOAT, 2, 4).subi(0.5).muli(0.1))
                .node(new Node("emb", "Gather", List.of("words", "ids"), List.of("w"), Map.of()))
                .node(new Node("temb", "Gather", List.of("typeTable", "types"), List.of("t"), Map.of()))
                .node(new Node("sum", "Add", List.of("w", "t"), List.of("last_hidden_state"), Map.of()))
                .output(new ValueInfo("last_hidden_state", ValueInfo.ElementType.FLOAT, new long[] {-1, L, 4})).build();
        return PackedInputs.pack(PairClassifier.attach(MeanPooling.append(enc, "last_hidden_state", "mask"),
                PairClassifier.head(4, 0, 3, 3)));
    }

    /**
     * Planted rows: class c's unmasked tokens are id c + 1 (one to four), padding id 5; the rationale of class c is the
     * word pieces (1000 + c, 2000, 3000 + c), then padding; with {@code small} ids (for a head tied to the six-row
     * word table) (c + 1, 5, c + 1).
     */
    private static DataSplit rows(int n, long seed) {
        return rows(n, seed, false);
    }

    private static DataSplit rows(int n, long seed, boolean small) {
        SplittableRandom r = new SplittableRandom(seed);
        long[][] ids = new long[n][L];
        long[][] mask = new long[n][L];
        long[][] types = new long[n][L];
        float[] labels = new float[n];
        float[][] rationales = new float[n][5];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            int len = 1 + r.nextInt(L);
            labels[i] = c;
            for (int j = 0; j < L; j++) {
                ids[i][j] = j < len ? c + 1 : 5;
                mask[i][j] = j < len ? 1 : 0;
                types[i][j] = j >= 2 && j < len ? 1 : 0;
            }
            rationales[i] = small ? new float[] {c + 1, 5, c + 1, 0, 0} : new float[] {1000 + c, 2000, 3000 + c, 0, 0};
        }
        return new DataSplit(PackedInputs.features(List.of(Nd4j.createFromArray(ids), Nd4j.createFromArray(mask),
                Nd4j.createFromArray(types))), Nd4j.createFromArray(labels), Nd4j.createFromArray(rationales));
    }

    private static ModelGraph train(ModelGraph g, DataSplit data, StepByStepParams p) {
        return Trainer.fit(g, data, 3, new TrainSpec(3, 16, OptimizerSpec.adam(0.05), 0), 7,
                in -> new StepByStepLoss().loss(in, p), List.of(new RationaleFeed(data.rationales(), "last_hidden_state",
                        MASK, "ids", 0L))).graph();
    }

    @Test
    void alphaOneIsLabelsOnlyTraining() {
        Nd4j.getRandom().setSeed(11);
        ModelGraph g = classifier();
        DataSplit data = rows(48, 5);
        ModelGraph plain = Trainer.fit(g, data, 3, new TrainSpec(3, 16, OptimizerSpec.adam(0.05), 0), 7,
                Trainer.CROSS_ENTROPY, List.of()).graph();
        ModelGraph alphaOne = train(g, data, new StepByStepParams(1.0, 8, 3, 16, null));
        for (String name : plain.initializers().keySet()) {
            assertArrayEquals(plain.initializers().get(name).dup().data().asFloat(),
                    alphaOne.initializers().get(name).dup().data().asFloat(), 0f, name);
        }
    }

    @Test
    void theRationaleHeadTrainsTheEncoderAndIsNotExported() throws Exception {
        Nd4j.getRandom().setSeed(11);
        ModelGraph g = classifier();
        DataSplit data = rows(48, 5);
        ModelGraph plain = Trainer.fit(g, data, 3, new TrainSpec(3, 16, OptimizerSpec.adam(0.05), 0), 7,
                Trainer.CROSS_ENTROPY, List.of()).graph();
        ModelGraph sbs = train(g, data, new StepByStepParams(0.5, 8, 3, 16, null));
        assertEquals(g.initializers().keySet(), sbs.initializers().keySet(), "the head adds no weight to the model");
        assertEquals(g.nodes().size(), sbs.nodes().size(), "the head adds no node to the model");
        assertFalse(plain.initializers().get("words").equalsWithEps(sbs.initializers().get("words"), 1e-6),
                "the rationale loss reaches the encoder's embeddings");
        Path file = dir.resolve("student.onnx");
        new OnnxExporter().write(sbs, file);
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains(RationaleDecoder.PREFIX), "no trace of the head in the exported file");
        assertFalse(bytes.contains("rationale"), "no trace of the rationale inputs in the exported file");
    }

    /** Tied to the word table, the head trains it more than labels alone do, and is not exported either. */
    @Test
    void aTiedHeadTrainsTheWordTableAndIsNotExported() throws Exception {
        Nd4j.getRandom().setSeed(11);
        ModelGraph g = classifier();
        DataSplit data = rows(48, 5, true);
        ModelGraph untied = train(g, data, new StepByStepParams(0.5, 8, 3, 16, false));
        ModelGraph tied = train(g, data, new StepByStepParams(0.5, 8, 3, 16, true));
        assertEquals(g.initializers().keySet(), tied.initializers().keySet(), "the head adds no weight to the model");
        assertFalse(untied.initializers().get("words").equalsWithEps(tied.initializers().get("words"), 1e-6),
                "tying changes how the rationale loss trains the word table");
        Path file = dir.resolve("tied.onnx");
        new OnnxExporter().write(tied, file);
        assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(RationaleDecoder.PREFIX));
    }

    /** Copying from the pair's ids, the head trains the encoder and is not exported. */
    @Test
    void aCopyingHeadTrainsTheEncoderAndIsNotExported() throws Exception {
        Nd4j.getRandom().setSeed(11);
        ModelGraph g = classifier();
        DataSplit data = rows(48, 5, true);
        ModelGraph generating = train(g, data, new StepByStepParams(0.5, 8, 3, 16, false, false));
        ModelGraph copying = train(g, data, new StepByStepParams(0.5, 8, 3, 16, false, true));
        assertEquals(g.initializers().keySet(), copying.initializers().keySet(), "the head adds no weight to the model");
        assertFalse(generating.initializers().get("words").equalsWithEps(copying.initializers().get("words"), 1e-6),
                "copying changes how the rationale loss trains the encoder");
        Path file = dir.resolve("copying.onnx");
        new OnnxExporter().write(copying, file);
        assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(RationaleDecoder.PREFIX));
    }

    @Test
    void aCopyingHeadSaysWhenTheModelHasNoWordPieceIds() {
        SameDiff sd = SameDiff.create();
        var logits = sd.var("logits", Nd4j.zeros(DataType.FLOAT, 2, 3));
        var labels = sd.constant("labels", Nd4j.eye(3).getRows(0, 1).castTo(DataType.FLOAT));
        var e = assertThrows(IllegalArgumentException.class, () -> new StepByStepLoss().loss(
                new LossInputs(sd, logits, labels, null, rationaleFeatures(sd)),
                new StepByStepParams(0.5, 8, 3, 16, false, true)));
        assertTrue(e.getMessage().contains("input_ids"), e.getMessage());
    }

    private static Map<String, org.nd4j.autodiff.samediff.SDVariable> rationaleFeatures(SameDiff sd) {
        return Map.of(
                dev.condense.api.loss.RationaleKeys.STATES, sd.constant("s", Nd4j.zeros(DataType.FLOAT, 2, 3, 4)),
                dev.condense.api.loss.RationaleKeys.MASK, sd.constant("m", Nd4j.ones(DataType.FLOAT, 2, 3)),
                dev.condense.api.loss.RationaleKeys.IDS, sd.constant("i", Nd4j.ones(DataType.FLOAT, 2, 2)),
                dev.condense.api.loss.RationaleKeys.COUNTS, sd.constant("c", Nd4j.ones(DataType.FLOAT, 3)),
                dev.condense.api.loss.RationaleKeys.WIDTH, sd.constant("w", Nd4j.createFromArray(new float[] {4})));
    }

    @Test
    void aTiedHeadSaysWhenTheModelHasNoTokenEmbeddings() {
        SameDiff sd = SameDiff.create();
        var logits = sd.var("logits", Nd4j.zeros(DataType.FLOAT, 2, 3));
        var labels = sd.constant("labels", Nd4j.eye(3).getRows(0, 1).castTo(DataType.FLOAT));
        Map<String, org.nd4j.autodiff.samediff.SDVariable> features = rationaleFeatures(sd);
        var e = assertThrows(IllegalArgumentException.class, () -> new StepByStepLoss().loss(
                new LossInputs(sd, logits, labels, null, features), new StepByStepParams(0.5, 8, 3, 16, true)));
        assertTrue(e.getMessage().contains("token-embedding"), e.getMessage());
    }

    @Test
    void withoutRationalesTheLossSaysWhatIsMissing() {
        SameDiff sd = SameDiff.create();
        var logits = sd.var("logits", Nd4j.zeros(DataType.FLOAT, 2, 3));
        var labels = sd.constant("labels", Nd4j.eye(3).getRows(0, 1).castTo(DataType.FLOAT));
        var e = assertThrows(IllegalArgumentException.class, () -> new StepByStepLoss().loss(
                new LossInputs(sd, logits, labels, null, Map.of()), new StepByStepParams()));
        assertTrue(e.getMessage().contains("rationales"), e.getMessage());
    }
}
