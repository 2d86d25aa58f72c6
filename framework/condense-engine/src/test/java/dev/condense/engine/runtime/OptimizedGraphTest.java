package dev.condense.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * ORT's optimized graph of the committed quantized fixtures (models/quantized_models.py): the weight-only MLP still
 * computes its Gemm/MatMul in float after ORT's optimizations; the QLinearConv model runs an integer convolution.
 */
class OptimizedGraphTest {

    private static Path model(String name) throws URISyntaxException {
        return Path.of(OptimizedGraphTest.class.getResource("/models/" + name).toURI());
    }

    @Test
    void weightOnlyQuantizationStillComputesInFloat() throws Exception {
        OptimizedGraph g = OptimizedGraph.of(model("quantized_mlp.onnx"), 1);
        assertEquals(0, g.integerNodes(), g.summary());
        assertTrue(g.floatComputeNodes() >= 2, g.summary());
    }

    @Test
    void aQLinearConvRunsAnIntegerKernel() throws Exception {
        OptimizedGraph g = OptimizedGraph.of(model("qlinear_conv.onnx"), 1);
        assertEquals(1, g.integerNodes(), g.summary());
        assertEquals(0, g.floatComputeNodes(), g.summary());
        assertTrue(g.summary().contains("QLinearConv x1"), g.summary());
    }

    @Test
    void aMissingModelIsAClearError() {
        var e = assertThrows(IllegalStateException.class, () -> OptimizedGraph.of(Path.of("no-such.onnx"), 1));
        assertTrue(e.getMessage().contains("no-such.onnx"), e.getMessage());
    }
}
