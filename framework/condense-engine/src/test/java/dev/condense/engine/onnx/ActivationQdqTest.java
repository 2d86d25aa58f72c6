package dev.condense.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The QDQ export of a Relu between two quantized activations (planted graph {@code x -> fc1 -> h -> Relu -> r -> fc2}):
 * left out exactly when {@code h} and {@code r} share one grid whose zero point is the lowest code and {@code h} has
 * no other reader; the result computes what the graph with the Relu computes.
 */
class ActivationQdqTest {
    @TempDir
    Path dir;

    private static ModelGraph.Builder planted() {
        Nd4j.getRandom().setSeed(21);
        ModelGraph.Builder b = ModelGraph.builder("relu-planted")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 4}))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 3}))
                .initializer("w1", Nd4j.randn(DataType.FLOAT, 4, 6))
                .initializer("w2", Nd4j.randn(DataType.FLOAT, 6, 3))
                .node(new Node("fc1", "MatMul", List.of("x", "w1"), List.of("h"), Map.of()))
                .node(new Node("relu", "Relu", List.of("h"), List.of("r"), Map.of()))
                .node(new Node("fc2", "MatMul", List.of("r", "w2"), List.of("y"), Map.of()));
        return b;
    }

    private static ActivationQuantization grid(float scale, long zeroPoint, boolean signed) {
        return ActivationQuantization.calibrated(AffineQuantization.perTensor(scale, zeroPoint, 8, signed));
    }

    private static List<String> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private INDArray run(ModelGraph g, String file, INDArray x) {
        Path f = dir.resolve(file);
        new OnnxExporter().write(g, f);
        try (OrtRunner r = new OrtRunner(f, 1)) {
            return r.run(x);
        }
    }

    @Test
    void aReluWhoseInputAlreadyHasItsGridAtZeroIsLeftOutAndComputesTheSame() {
        ModelGraph g = planted().quantizeActivation("h", grid(0.02f, 0, false))
                .quantizeActivation("r", grid(0.02f, 0, false)).build();
        ModelProto m = new OnnxExporter().toProto(g);
        assertFalse(ops(m).contains("Relu"), ops(m).toString());
        assertEquals(1, ops(m).stream().filter("QuantizeLinear"::equals).count(), "one QDQ pair, on h");
        NodeProto fc2 = m.getGraph().getNodeList().stream().filter(n -> n.getName().equals("fc2")).findFirst()
                .orElseThrow();
        assertEquals("h.dequantized", fc2.getInput(0));

        // the same graph with the Relu written (h not quantized: Relu, then Q/DQ on r) computes the same values
        ModelGraph kept = g.toBuilder().removeActivationQuantization("h").build();
        assertTrue(ops(new OnnxExporter().toProto(kept)).contains("Relu"));
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 64, 4);
        INDArray a = run(g, "dropped.onnx", x);
        INDArray b = run(kept, "kept.onnx", x);
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-6);
        assertTrue(x.mmul(g.initializers().get("w1")).minNumber().doubleValue() < 0, "the fixture has negatives");
    }

    @Test
    void signedGridsAtTheLowestCodeAreLeftOutToo() {
        ModelGraph g = planted().quantizeActivation("h", grid(0.01f, -128, true))
                .quantizeActivation("r", grid(0.01f, -128, true)).build();
        assertFalse(ops(new OnnxExporter().toProto(g)).contains("Relu"));
    }

    @Test
    void aReluIsKeptWhenTheGridDoesNotClampAtZeroOrDiffersOrItsInputHasOtherReaders() {
        ModelGraph above = planted().quantizeActivation("h", grid(0.02f, 7, false))
                .quantizeActivation("r", grid(0.02f, 7, false)).build();
        assertTrue(ops(new OnnxExporter().toProto(above)).contains("Relu"), "zero point 7: codes below 0 exist");
        ModelGraph signedZero = planted().quantizeActivation("h", grid(0.02f, 0, true))
                .quantizeActivation("r", grid(0.02f, 0, true)).build();
        assertTrue(ops(new OnnxExporter().toProto(signedZero)).contains("Relu"), "int8 zero point 0");
        ModelGraph otherScale = planted().quantizeActivation("h", grid(0.03f, 0, false))
                .quantizeActivation("r", grid(0.02f, 0, false)).build();
        assertTrue(ops(new OnnxExporter().toProto(otherScale)).contains("Relu"));
        ModelGraph twoReaders = planted().output(new ValueInfo("h", ValueInfo.ElementType.FLOAT, new long[] {-1, 6}))
                .quantizeActivation("h", grid(0.02f, 0, false)).quantizeActivation("r", grid(0.02f, 0, false))
                .build();
        assertTrue(ops(new OnnxExporter().toProto(twoReaders)).contains("Relu"), "h is also a graph output");
    }
}
