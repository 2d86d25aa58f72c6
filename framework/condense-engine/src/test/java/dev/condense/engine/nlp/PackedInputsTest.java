package dev.condense.engine.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.train.Inference;
import dev.condense.engine.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Packing a two-input token encoder into one float input: the same logits in SameDiff, training through the packed
 * input updates the embedding tables (the encoder, not only the head) and solves a planted task, and the trained
 * weights unpacked into the original graph give the packed graph's logits in ONNX Runtime.
 */
class PackedInputsTest {
    private static final int L = 4;

    @TempDir
    Path dir;

    /** Word and token-type embeddings (width 4), masked mean pooling, a linear 4 -> 3 head. */
    private static ModelGraph classifier() {
        ModelGraph enc = ModelGraph.builder("enc")
                .input(new ValueInfo("ids", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .input(new ValueInfo("mask", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .input(new ValueInfo("types", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .initializer("words", Nd4j.rand(DataType.FLOAT, 6, 4).subi(0.5).muli(0.1))
                .initializer("typeTable", Nd4j.rand(DataType.FLOAT, 2, 4).subi(0.5).muli(0.1))
                .node(new Node("emb", "Gather", List.of("words", "ids"), List.of("w"), Map.of()))
                .node(new Node("temb", "Gather", List.of("typeTable", "types"), List.of("t"), Map.of()))
                .node(new Node("sum", "Add", List.of("w", "t"), List.of("hidden"), Map.of()))
                .output(new ValueInfo("hidden", ValueInfo.ElementType.FLOAT, new long[] {-1, L, 4})).build();
        return PairClassifier.attach(MeanPooling.append(enc, "hidden", "mask"), PairClassifier.head(4, 0, 3, 3));
    }

    /**
     * Planted rows: the unmasked tokens of a row of class c are all id c + 1 (one to four of them), the padded ones id
     * 5; token types 0 then 1. Without the mask the padding would blur the classes.
     */
    private static List<INDArray> rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[][] ids = new long[n][L];
        long[][] mask = new long[n][L];
        long[][] types = new long[n][L];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            int len = 1 + r.nextInt(L);
            labels[i] = c;
            for (int j = 0; j < L; j++) {
                ids[i][j] = j < len ? c + 1 : 5;
                mask[i][j] = j < len ? 1 : 0;
                types[i][j] = j >= 2 && j < len ? 1 : 0;
            }
        }
        return List.of(Nd4j.createFromArray(ids), Nd4j.createFromArray(mask), Nd4j.createFromArray(types),
                Nd4j.createFromArray(labels));
    }

    @Test
    void thePackedGraphComputesTheSameLogitsAndTrainsTheEncoder() throws Exception {
        Nd4j.getRandom().setSeed(11);
        ModelGraph original = classifier();
        ModelGraph packed = PackedInputs.pack(original);
        assertEquals(1, packed.inputs().size());
        assertArrayEquals(new long[] {-1, 3, L}, packed.inputs().get(0).shape());
        List<INDArray> data = rows(96, 5);
        Map<String, INDArray> byName = Map.of("ids", data.get(0), "mask", data.get(1), "types", data.get(2));
        INDArray features = PackedInputs.features(data.subList(0, 3));
        INDArray before = Inference.run(original, byName).get(PairClassifier.LOGITS);
        assertTrue(before.equalsWithEps(Inference.predict(packed, features), 1e-6), "packing changes nothing");

        TrainSpec spec = new TrainSpec(40, 16, OptimizerSpec.adam(0.05), 0);
        ModelGraph trained = Trainer.fit(packed, new DataSplit(features, data.get(3)), 3, spec, 7,
                Trainer.CROSS_ENTROPY, List.of()).graph();
        INDArray logits = Inference.predict(trained, features);
        double acc = logits.argMax(1).castTo(DataType.FLOAT).eq(data.get(3)).castTo(DataType.FLOAT).meanNumber()
                .doubleValue();
        assertEquals(1.0, acc, 1e-9, "the planted task is learned");
        assertFalse(trained.initializers().get("words").equalsWithEps(original.initializers().get("words"), 1e-4),
                "the word embeddings are trained");
        assertFalse(trained.initializers().get("typeTable").equalsWithEps(original.initializers().get("typeTable"),
                1e-4), "the token-type embeddings are trained");
        assertTrue(trained.initializers().get("words").getRow(0).equalsWithEps(
                original.initializers().get("words").getRow(0), 0), "id 0 is never read: its row has no gradient");

        ModelGraph unpacked = PackedInputs.unpack(trained, original);
        assertEquals(original.inputs(), unpacked.inputs());
        Path file = dir.resolve("trained.onnx");
        new OnnxExporter().write(unpacked, file);
        try (OrtRunner r = new OrtRunner(file)) {
            INDArray ort = r.runAll(byName).get(PairClassifier.LOGITS);
            assertTrue(logits.equalsWithEps(ort, 1e-5), "the unpacked graph in ORT gives the packed graph's logits");
        }
    }

    @Test
    void badInputsAreRefused() {
        ModelGraph floatInput = PairClassifier.head(4, 0, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> PackedInputs.pack(floatInput));
        INDArray a = Nd4j.zeros(DataType.INT64, 2, L);
        assertThrows(IllegalArgumentException.class, () -> PackedInputs.features(List.of(a, Nd4j.zeros(DataType.INT64, 2, 3))));
        INDArray big = Nd4j.createFromArray(new long[][] {{(1L << 24) + 1, 0, 0, 0}, {0, 0, 0, 0}});
        assertThrows(IllegalArgumentException.class, () -> PackedInputs.features(List.of(a, big)));
        ModelGraph other = PairClassifier.head(5, 0, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> PackedInputs.unpack(other, classifier()));
    }
}
