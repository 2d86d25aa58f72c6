package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.HalfPrecision;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.fixtures.QuantizedWeights;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float16 weight storage: a HalfPrecision weight is written as a FLOAT16 initializer (half the bytes) with a Cast to
 * FLOAT, ONNX Runtime computes the same outputs as with the float32 file of the same values and folds the Cast, and
 * the importer reads it back as the same float32 values with the annotation.
 */
class HalfWeightsTest {

    @TempDir
    Path dir;

    @Test
    void float16WeightsRoundTripThroughOnnxAndRuntime() throws Exception {
        ModelGraph f = QuantizedWeights.convNet(12);
        INDArray w = HalfPrecision.project(f.initializers().get("fc.w"));
        ModelGraph g = f.toBuilder().initializer("fc.w", w).annotate("fc.w", new HalfPrecision()).build();
        ModelGraph plain = g.toBuilder().removeAnnotation("fc.w", HalfPrecision.class).build();
        Path half = dir.resolve("half.onnx");
        Path full = dir.resolve("full.onnx");
        new OnnxExporter().write(g, half);
        new OnnxExporter().write(plain, full);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(half));
        TensorProto stored = m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("fc.w.float16"))
                .findFirst().orElseThrow();
        assertEquals(TensorProto.DataType.FLOAT16_VALUE, stored.getDataType());
        assertEquals(w.length() * 2, stored.getRawData().size());
        assertEquals("Cast", m.getGraph().getNode(0).getOpType());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 2, 5, 5);
        try (OrtRunner a = new OrtRunner(half, 1); OrtRunner b = new OrtRunner(full, 1)) {
            assertEquals(b.run(x), a.run(x));
        }
        List<String> ops = OptimizedGraph.of(half, 1).nodeTypes().keySet().stream().toList();
        assertTrue(!ops.contains("Cast"), "ORT folds the constant Cast: " + ops);
        ModelGraph back = new OnnxImporter().read(half);
        assertEquals(w, back.initializers().get("fc.w"));
        assertTrue(back.annotation("fc.w", HalfPrecision.class).isPresent());
        assertTrue(back.initializers().keySet().stream().noneMatch(n -> n.endsWith(".float16")));
        assertEquals(List.of(), back.nodes().stream().map(n -> n.opType()).filter("Cast"::equals).toList());
    }

    @Test
    void valuesThatAreNotFloat16AreRefused() {
        ModelGraph f = QuantizedWeights.convNet(12);
        var e = assertThrows(IllegalStateException.class,
                () -> f.toBuilder().annotate("fc.w", new HalfPrecision()).build());
        assertTrue(e.getMessage().contains("are not float16 values"), e.getMessage());
    }

    @Test
    void aFloat16TensorReadByTwoNodesIsNotFolded() throws Exception {
        ModelGraph f = QuantizedWeights.convNet(12);
        INDArray w = HalfPrecision.project(f.initializers().get("fc.w"));
        ModelGraph g = f.toBuilder().initializer("fc.w", w).annotate("fc.w", new HalfPrecision()).build();
        ModelProto m = new OnnxExporter().toProto(g);
        NodeProto cast = m.getGraph().getNode(0);
        ModelProto twice = m.toBuilder().setGraph(m.getGraph().toBuilder().addNode(cast.toBuilder().setName("again")
                .setOutput(0, "fc.w.again"))).build();
        assertTrue(HalfWeights.find(m.getGraph()).drops("fc.w.float16"));
        assertTrue(!HalfWeights.find(twice.getGraph()).drops("fc.w.float16"));
    }
}
