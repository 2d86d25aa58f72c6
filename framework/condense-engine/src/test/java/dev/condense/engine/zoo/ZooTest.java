package dev.condense.engine.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.ChannelDependencies;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.stats.ModelStats;
import dev.condense.engine.train.Inference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ZooTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"lenet-5", "vgg-small", "resnet-20-small", "resnet-8-tiny"})
    void cnnIsSeededAndOrtAgreesWithSameDiff(String id) throws Exception {
        OnnxExporter exporter = new OnnxExporter();
        ModelGraph g = Zoo.build(id, 7);
        assertArrayEquals(exporter.toBytes(g), exporter.toBytes(Zoo.build(id, 7)), "same seed, same bytes");
        assertTrue(!java.util.Arrays.equals(exporter.toBytes(g), exporter.toBytes(Zoo.build(id, 8))));
        Path file = dir.resolve(id + ".onnx");
        exporter.write(g, file);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28);
        INDArray expected;
        try (OrtRunner ort = new OrtRunner(file)) {
            expected = ort.run(x);
        }
        INDArray actual = Inference.predict(g, x);
        assertArrayEquals(new long[] {4, 10}, actual.shape());
        assertTrue(expected.equalsWithEps(actual, 1e-4), () -> id + ": ORT " + expected + " vs " + actual);
    }

    @Test
    void lenet5HasTheCaffeParameterCount() {
        long params = ModelStats.of(Zoo.build("lenet-5", 1)).tensors().stream()
                .filter(r -> !r.name().startsWith("norm.")).mapToLong(r -> r.denseParams()).sum();
        assertEquals(20 * 25 + 20 + 50 * 20 * 25 + 50 + 800 * 500 + 500 + 500 * 10 + 10, params);
    }

    @Test
    void resnetHasOneGroupPerStageTrunkAndOnePerBlockInterior() {
        var groups = ChannelDependencies.analyze(Zoo.build("resnet-20-small", 1));
        assertEquals(12, groups.size());
        assertEquals(List.of("stem.conv", "s1.b1.conv2", "s1.b2.conv2", "s1.b3.conv2"), groups.get(0).sources());
    }

    @Test
    void hintonTeacherDropsTwentyPercentOfTheInputAndHalfOfEachHiddenLayer() {
        ModelGraph g = Zoo.build("mlp-1200-1200-dropout", 1);
        var drops = g.nodes().stream().filter(n -> n.opType().equals("Dropout")).toList();
        assertEquals(List.of("input.dropout", "fc1.dropout", "fc2.dropout"), drops.stream().map(n -> n.name()).toList());
        assertEquals(List.of("x0", "input.drop.ratio"), drops.get(0).inputs());
        assertEquals(0.2, g.initializer("input.drop.ratio").orElseThrow().getDouble(0), 1e-7);
        assertEquals(0.5, g.initializer("drop.ratio").orElseThrow().getDouble(0), 1e-7);
        assertEquals("input.drop", g.nodes().stream().filter(n -> n.name().equals("fc1")).findFirst().orElseThrow()
                .inputs().get(0));
        assertTrue(Zoo.build("mlp-800-800", 1).nodes().stream().noneMatch(n -> n.opType().equals("Dropout")));
    }

    @Test
    void resnet8TinyHasUnderAQuarterOfTheTeachersMacsAndItsStageShapes() {
        long teacher = LayerCost.total(Zoo.build("resnet-20-small", 1));
        long student = LayerCost.total(Zoo.build("resnet-8-tiny", 1));
        assertEquals(7_783_872L, teacher);
        // stem 9*6*784 + s1 2*324*784 + s2 (648 + 1296)*196 + 72*196 + s3 (2592 + 5184)*49 + 288*49 + fc 240
        assertEquals(1_340_880L, student);
        assertTrue(4 * student <= teacher);
        Map<String, long[]> shapes = ShapeInference.infer(Zoo.build("resnet-8-tiny", 1));
        assertArrayEquals(new long[] {-1, 6, 28, 28}, shapes.get("s1.b1.relu2"));
        assertArrayEquals(new long[] {-1, 12, 14, 14}, shapes.get("s2.b1.relu2"));
        assertArrayEquals(new long[] {-1, 24, 7, 7}, shapes.get("s3.b1.relu2"));
    }

    @Test
    void idsListTheZooAndUnknownIdsAreRejected() {
        assertEquals(List.of("lenet-300-100", "lenet-5", "mlp-1200-1200-dropout", "mlp-800-800", "resnet-20-small",
                "resnet-8-tiny", "vgg-small"), List.copyOf(Zoo.ids()));
        assertThrows(IllegalArgumentException.class, () -> Zoo.build("alexnet", 1));
    }
}
