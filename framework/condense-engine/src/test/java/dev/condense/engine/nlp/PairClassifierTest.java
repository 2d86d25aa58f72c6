package dev.condense.engine.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Masked mean pooling against a hand computation, and a head attached to a pooled encoder, in ORT and SameDiff. */
class PairClassifierTest {
    @TempDir
    Path dir;

    /** A stand-in encoder: token states = embedding of the ids ({@code [N, 3] -> [N, 3, 2]}). */
    private static ModelGraph encoder() {
        return ModelGraph.builder("enc")
                .input(new ValueInfo("ids", ValueInfo.ElementType.INT64, new long[] {-1, 3}))
                .input(new ValueInfo("mask", ValueInfo.ElementType.INT64, new long[] {-1, 3}))
                .initializer("table", Nd4j.createFromArray(new float[][] {{0, 0}, {1, 2}, {3, 5}, {-4, 8}}))
                .node(new Node("emb", "Gather", List.of("table", "ids"), List.of("hidden"), Map.of()))
                .output(new ValueInfo("hidden", ValueInfo.ElementType.FLOAT, new long[] {-1, 3, 2})).build();
    }

    @Test
    void poolingAveragesTheUnmaskedTokensAndTheHeadReadsIt() throws Exception {
        ModelGraph pooled = MeanPooling.append(encoder(), "hidden", "mask");
        Map<String, INDArray> in = Map.of("ids", Nd4j.createFromArray(new long[][] {{1, 2, 0}, {3, 3, 1}}),
                "mask", Nd4j.createFromArray(new long[][] {{1, 1, 0}, {1, 0, 0}}));
        INDArray want = Nd4j.createFromArray(new float[][] {{2, 3.5f}, {-4, 8}}); // (1+3)/2, (2+5)/2; row 2: token 3 only
        Path file = dir.resolve("pooled.onnx");
        new OnnxExporter().write(pooled, file);
        try (OrtRunner r = new OrtRunner(file)) {
            assertTrue(want.equalsWithEps(r.runAll(in).get(MeanPooling.POOLED), 1e-6));
        }
        assertTrue(want.equalsWithEps(Inference.run(pooled, in).get(MeanPooling.POOLED), 1e-6));

        ModelGraph head = PairClassifier.head(2, 4, 3, 5);
        ModelGraph teacher = PairClassifier.attach(pooled, head);
        INDArray expected = Inference.predict(head, want);
        Path tf = dir.resolve("teacher.onnx");
        new OnnxExporter().write(teacher, tf);
        try (OrtRunner r = new OrtRunner(tf)) {
            INDArray logits = r.runAll(in).get(PairClassifier.LOGITS);
            assertArrayEquals(new long[] {2, 3}, logits.shape());
            assertTrue(expected.equalsWithEps(logits, 1e-5), () -> logits + " vs " + expected);
        }
        assertArrayEquals(new long[] {3, 2}, PairClassifier.head(2, 0, 3, 5).initializers().get("head.fc2.weight").shape());
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MeanPooling.append(encoder(), "nope", "mask"));
        assertThrows(IllegalArgumentException.class, () -> PairClassifier.head(2, 0, 1, 5));
        assertTrue(PairClassifier.head(2, 0, 3, 5).nodes().size() == 1, "hidden 0: one linear layer");
        assertTrue(PairClassifier.head(2, 8, 3, 5).initializers().get("head.fc1.weight").dataType() == DataType.FLOAT);
    }
}
