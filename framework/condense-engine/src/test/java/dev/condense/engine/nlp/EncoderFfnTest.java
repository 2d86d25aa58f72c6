package dev.condense.engine.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.fixtures.MiniLm;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Narrowing MiniLM's feed-forward blocks: the kept units are the first ones, the shapes shrink, and (planted) an
 * encoder whose units past the width are switched off (their input weights and bias zero, so GELU gives 0 and they
 * add nothing) computes in ONNX Runtime what the narrowed encoder computes.
 */
class EncoderFfnTest {
    @TempDir
    static Path dir;

    private static final Map<String, INDArray> IN = Map.of(
            "input_ids", Nd4j.createFromArray(new long[][] {{101, 1037, 3899, 102, 3216, 102, 0, 0}}),
            "attention_mask", Nd4j.createFromArray(new long[][] {{1, 1, 1, 1, 1, 1, 0, 0}}),
            "token_type_ids", Nd4j.createFromArray(new long[][] {{0, 0, 0, 0, 1, 1, 0, 0}}));

    @Test
    void narrowedEncoderEqualsTheEncoderWithTheCutUnitsSwitchedOff() throws Exception {
        ModelGraph one = EncoderLayers.keep(new OnnxImporter().withDimensions(Map.of("sequence_length", 8L))
                .read(MiniLm.model(dir)), 3);
        assertEquals(1536, EncoderFfn.width(one));
        assertEquals(one.initializers().keySet(), EncoderFfn.narrow(one, 1536).initializers().keySet());
        long width = 48;
        ModelGraph narrow = EncoderFfn.narrow(one, width);
        assertEquals(width, EncoderFfn.width(narrow));
        Node in = node(one, "/intermediate/dense/MatMul");
        Node add = node(one, "/intermediate/dense/Add");
        Node out = one.nodes().stream().filter(n -> n.name().endsWith("/output/dense/MatMul")
                && !n.name().contains("/attention/")).findFirst().orElseThrow();
        String bias = add.inputs().stream().filter(one.initializers()::containsKey).findFirst().orElseThrow();
        assertArrayEquals(new long[] {384, width}, narrow.initializers().get(in.inputs().get(1)).shape());
        assertArrayEquals(new long[] {width}, narrow.initializers().get(bias).shape());
        assertArrayEquals(new long[] {width, 384}, narrow.initializers().get(out.inputs().get(1)).shape());
        assertEquals(one.initializers().get(in.inputs().get(1)).get(NDArrayIndex.all(), NDArrayIndex.interval(0, width)),
                narrow.initializers().get(in.inputs().get(1)), "the first units are kept");

        INDArray w = one.initializers().get(in.inputs().get(1)).dup();
        w.get(NDArrayIndex.all(), NDArrayIndex.interval(width, 1536)).assign(0);
        INDArray b = one.initializers().get(bias).dup();
        b.get(NDArrayIndex.interval(width, 1536)).assign(0);
        ModelGraph off = one.toBuilder().initializer(in.inputs().get(1), w).initializer(bias, b).build();
        INDArray expected = run(off, "off.onnx");
        INDArray actual = run(narrow, "narrow.onnx");
        assertTrue(expected.equalsWithEps(actual, 1e-4), "narrowed = switched off");
        assertFalse(run(one, "one.onnx").equalsWithEps(actual, 1e-2), "the cut units did contribute before");
        assertThrows(IllegalArgumentException.class, () -> EncoderFfn.narrow(one, 0));
        assertThrows(IllegalArgumentException.class, () -> EncoderFfn.narrow(one, 1537));
    }

    private static Node node(ModelGraph g, String suffix) {
        return g.nodes().stream().filter(n -> n.name().endsWith(suffix)).findFirst().orElseThrow();
    }

    private static INDArray run(ModelGraph g, String name) throws Exception {
        Path file = dir.resolve(name);
        new OnnxExporter().write(g, file);
        try (OrtRunner r = new OrtRunner(file)) {
            return r.runAll(IN).get("last_hidden_state");
        }
    }
}
