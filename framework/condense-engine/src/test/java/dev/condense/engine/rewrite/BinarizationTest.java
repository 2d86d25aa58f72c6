package dev.condense.engine.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.MlpBuilder;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The XNOR inference form: planted per-channel scales, the exported model in ONNX Runtime against the binarized
 * computation by hand (4 -> fc1 16 -> Relu -> fc2 2 MLP, fc2's input binarized), and located errors.
 */
class BinarizationTest {

    @TempDir
    Path dir;

    @Test
    void eachOutputChannelKeepsItsMeanMagnitude() {
        INDArray w = Nd4j.createFromArray(new float[][] {{0.5f, -1.5f, 1f}, {-0.2f, 0f, 0.4f}, {0f, 0f, 0f}});
        INDArray expected = Nd4j.createFromArray(new float[][] {{1f, -1f, 1f}, {-0.2f, 0f, 0.2f}, {0f, 0f, 0f}});
        assertEquals(expected, Binarization.binary(w));
    }

    @Test
    void theExportedModelComputesWithBinaryWeightsAndSigns() {
        ModelGraph g = MlpBuilder.build("tiny", new long[] {4}, new int[] {16, 2}, 0.5f, 0.3f, 3);
        ModelGraph b = Binarization.apply(g, Set.of("fc1.weight", "fc2.weight"), Set.of("fc1.act"));
        assertTrue(b.annotation("fc2.weight", AffineQuantization.class).orElseThrow().bits() == 2);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 4);
        Path file = dir.resolve("xnor.onnx");
        new OnnxExporter().write(b, file);
        INDArray ort;
        try (OrtRunner r = new OrtRunner(file, 1)) {
            ort = r.run(x);
        }
        INDArray w1 = Binarization.binary(g.initializers().get("fc1.weight"));
        INDArray w2 = Binarization.binary(g.initializers().get("fc2.weight"));
        INDArray h = x.sub(0.5).div(0.3).mmul(w1.transpose()).addRowVector(g.initializers().get("fc1.bias"));
        INDArray act = Transforms.sign(Transforms.relu(h));
        INDArray expected = act.mmul(w2.transpose()).addRowVector(g.initializers().get("fc2.bias"));
        assertTrue(expected.sub(ort).amaxNumber().doubleValue() < 1e-4, () -> "ORT " + ort + " vs " + expected);
    }

    @Test
    void unknownTensorsAreNamed() {
        ModelGraph g = MlpBuilder.build("tiny", new long[] {4}, new int[] {16, 2}, 0.5f, 0.3f, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Binarization.apply(g, Set.of(), Set.of("nope")));
        assertTrue(e.getMessage().contains("'nope' is not an activation"), e.getMessage());
        var w = assertThrows(IllegalArgumentException.class, () -> Binarization.apply(g, Set.of("fc1.act"), Set.of()));
        assertTrue(w.getMessage().contains("'fc1.act' is not a weight"), w.getMessage());
    }

    @Test
    void signsAloneAddOneSignPerTensorAndChangeNoValue() {
        ModelGraph g = MlpBuilder.build("tiny", new long[] {4}, new int[] {16, 2}, 0.5f, 0.3f, 3);
        String input = g.inputs().get(0).name();
        ModelGraph s = Binarization.signs(g, Set.of("fc1.act", input));
        assertEquals(g.nodes().size() + 2, s.nodes().size());
        assertEquals("Sign", s.nodes().get(0).opType(), "the graph input's Sign comes first");
        assertEquals(java.util.List.of(input), s.nodes().get(0).inputs());
        assertTrue(s.consumers("fc1.act").stream().allMatch(n -> n.opType().equals("Sign")), "readers moved");
        assertEquals(1, s.consumers("fc1.act.sign").size());
        assertEquals(g.initializers(), s.initializers());
        assertTrue(s.annotations().isEmpty());
    }
}
