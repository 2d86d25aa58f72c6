package dev.condense.engine.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.train.Inference;
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
 * Restoring a packed text classifier's own int64 inputs: the restored graph is the original one input for input and
 * node for node, ONNX Runtime on its export (fed by name, or fed the packed rows through {@link OrtRunner}'s token
 * feed) gives the packed graph's logits, a packing in another input order is undone the same way, and graphs whose
 * packed input is read outside its chain, or that are not packed, are refused.
 */
class UnpackedInputsTest {
    private static final int L = 5;

    @TempDir
    Path dir;

    /** Word, position-free token-type embeddings (width 4), masked mean pooling, a linear 4 -> 3 head. */
    private static ModelGraph classifier() {
        ModelGraph enc = ModelGraph.builder("enc")
                .input(new ValueInfo("input_ids", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .input(new ValueInfo("attention_mask", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .input(new ValueInfo("token_type_ids", ValueInfo.ElementType.INT64, new long[] {-1, L}))
                .initializer("words", Nd4j.rand(DataType.FLOAT, 9, 4).subi(0.5))
                .initializer("typeTable", Nd4j.rand(DataType.FLOAT, 2, 4).subi(0.5))
                .node(new Node("emb", "Gather", List.of("words", "input_ids"), List.of("w"), Map.of()))
                .node(new Node("temb", "Gather", List.of("typeTable", "token_type_ids"), List.of("t"), Map.of()))
                .node(new Node("sum", "Add", List.of("w", "t"), List.of("hidden"), Map.of()))
                .output(new ValueInfo("hidden", ValueInfo.ElementType.FLOAT, new long[] {-1, L, 4})).build();
        return PairClassifier.attach(MeanPooling.append(enc, "hidden", "attention_mask"), PairClassifier.head(4, 0, 3, 3));
    }

    /** Seeded token rows: ids in [1, 9), a mask of 2 to L ones then zeros (id 0 there), types 0 then 1. */
    private static List<INDArray> rows(int n) {
        SplittableRandom r = new SplittableRandom(3);
        long[][] ids = new long[n][L];
        long[][] mask = new long[n][L];
        long[][] types = new long[n][L];
        for (int i = 0; i < n; i++) {
            int len = 2 + r.nextInt(L - 1);
            for (int j = 0; j < len; j++) {
                ids[i][j] = 1 + r.nextInt(8);
                mask[i][j] = 1;
                types[i][j] = j >= len / 2 ? 1 : 0;
            }
        }
        return List.of(Nd4j.createFromArray(ids), Nd4j.createFromArray(mask), Nd4j.createFromArray(types));
    }

    @Test
    void theRestoredGraphIsTheOriginalAndOrtGivesThePackedLogits() throws Exception {
        Nd4j.getRandom().setSeed(5);
        ModelGraph original = classifier();
        ModelGraph packed = PackedInputs.pack(original);
        assertTrue(UnpackedInputs.isPacked(packed));
        assertFalse(UnpackedInputs.isPacked(original));
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), UnpackedInputs.names(packed).orElseThrow());
        ModelGraph restored = UnpackedInputs.restore(packed);
        assertEquals(original.inputs(), restored.inputs());
        assertEquals(original.nodes(), restored.nodes());
        assertEquals(original.initializers().keySet(), restored.initializers().keySet());
        assertEquals(original.outputs(), restored.outputs());

        List<INDArray> data = rows(12);
        INDArray features = PackedInputs.features(data);
        INDArray expected = Inference.predict(packed, features);
        Path file = dir.resolve("restored.onnx");
        new OnnxExporter().write(restored, file);
        Path packedFile = dir.resolve("packed.onnx");
        new OnnxExporter().write(packed, packedFile);
        try (OrtRunner byName = new OrtRunner(file); OrtRunner p = new OrtRunner(packedFile)) {
            INDArray ort = byName.runAll(Map.of("input_ids", data.get(0), "attention_mask", data.get(1),
                    "token_type_ids", data.get(2))).get(PairClassifier.LOGITS);
            assertArrayEquals(new long[] {12, 3}, ort.shape());
            assertTrue(expected.equalsWithEps(ort, 1e-5), "the restored export gives the packed graph's logits");
            assertTrue(p.run(features).equalsWithEps(ort, 1e-5), "and so does the packed export");
            assertTrue(byName.run(features).equalsWithEps(ort, 0), "packed rows feed the three int64 inputs");
            assertThrows(IllegalArgumentException.class, () -> byName.run(features.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2),
                    org.nd4j.linalg.indexing.NDArrayIndex.all())));
        }
    }

    @Test
    void aPackingInAnotherOrderIsUndoneInThatOrder() {
        Nd4j.getRandom().setSeed(6);
        ModelGraph original = classifier();
        List<String> order = List.of("token_type_ids", "input_ids", "attention_mask");
        ModelGraph packed = PackedInputs.pack(original, order);
        List<INDArray> data = rows(7);
        INDArray byOriginalOrder = Inference.predict(PackedInputs.pack(original), PackedInputs.features(data));
        INDArray byOtherOrder = Inference.predict(packed, PackedInputs.features(List.of(data.get(2), data.get(0),
                data.get(1))));
        assertTrue(byOriginalOrder.equalsWithEps(byOtherOrder, 1e-6));
        assertEquals(order, UnpackedInputs.restore(packed).inputs().stream().map(ValueInfo::name).toList());
        assertThrows(IllegalArgumentException.class, () -> PackedInputs.pack(original, List.of("input_ids",
                "input_ids", "attention_mask")));
    }

    @Test
    void aPackedInputReadOutsideItsChainOrAGraphNotPackedIsRefused() {
        ModelGraph packed = PackedInputs.pack(classifier());
        ModelGraph tapped = packed.toBuilder()
                .node(new Node("tap", "Identity", List.of(PackedInputs.PACKED + ".1.float"), List.of("tapped"), Map.of()))
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnpackedInputs.restore(tapped));
        assertTrue(e.getMessage().contains("'tap'") && e.getMessage().contains("packed_inputs.1.float"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnpackedInputs.restore(classifier()));
    }
}
