package dev.condense.engine.rewrite;

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
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two-Gemm rewrite of fully connected layers: the factorized LeNet-300-100 in ONNX Runtime against the same model
 * with each weight replaced by the product of its planted factors, the MACs of each factor, MatMul layers, and located
 * errors.
 */
class GemmFactorizationTest {

    @TempDir
    Path dir;

    private static INDArray randn(Random rng, long... shape) {
        return Nd4j.randn(rng, shape).castTo(DataType.FLOAT).muli(0.1);
    }

    private INDArray ort(ModelGraph g, INDArray x, String file) {
        Path p = dir.resolve(file);
        new OnnxExporter().write(g, p);
        try (OrtRunner r = new OrtRunner(p, 1)) {
            return r.run(x);
        }
    }

    @Test
    void factorizedLenet300100RunsInOrtAndEqualsTheProductOfItsFactors() {
        ModelGraph g = Zoo.build("lenet-300-100", 1);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(17);
        ModelGraph product = g;
        ModelGraph factorized = g;
        for (String layer : List.of("fc1", "fc2")) {
            INDArray w = g.initializers().get(layer + ".weight");
            INDArray v = randn(rng, 20, w.size(1));
            INDArray u = randn(rng, w.size(0), 20);
            product = product.toBuilder().initializer(layer + ".weight", u.mmul(v)).build();
            factorized = GemmFactorization.apply(factorized, layer, v, u);
        }
        assertFalse(factorized.initializers().containsKey("fc1.weight"), "the replaced weight is dropped");
        assertArrayEquals(new long[] {20, 784}, factorized.initializers().get("fc1.v.weight").shape());
        assertArrayEquals(new long[] {300, 20}, factorized.initializers().get("fc1.u.weight").shape());

        Map<String, Long> macs = new java.util.HashMap<>();
        LayerCost.of(factorized).forEach(c -> macs.put(c.node(), c.macs()));
        assertEquals(20L * 784, macs.get("fc1.v"));
        assertEquals(300L * 20, macs.get("fc1.u"));
        assertEquals(GemmFactorization.macsAfter(300, 784, 20), macs.get("fc1.v") + macs.get("fc1.u"));
        assertEquals(GemmFactorization.macsAfter(300, 784, 20) + GemmFactorization.macsAfter(100, 300, 20)
                + 10L * 100, LayerCost.total(factorized), "fc1 and fc2 factorized, fc3 unchanged");

        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {16, 1, 28, 28})
                .castTo(DataType.FLOAT);
        INDArray expected = ort(product, x, "product.onnx");
        INDArray actual = ort(factorized, x, "factorized.onnx");
        double scale = expected.amaxNumber().doubleValue();
        double diff = actual.sub(expected).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4 * Math.max(1, scale), "max |difference| " + diff + " at scale " + scale);
    }

    @Test
    void aMatMulLayerBecomesTwoMatMuls() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(23);
        INDArray w = randn(rng, 6, 4); // MatMul stores [in, out]
        ModelGraph g = ModelGraph.builder("mm")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 6}))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 4}))
                .initializer("w", w)
                .node(new Node("fc", "MatMul", List.of("x", "w"), List.of("y"), Map.of()))
                .build();
        assertEquals(w.transpose(), GemmFactorization.weight(g, g.nodes().get(0)), "seen as [out, in]");
        INDArray v = randn(rng, 2, 6);
        INDArray u = randn(rng, 4, 2);
        ModelGraph f = GemmFactorization.apply(g, "fc", v, u);
        assertEquals(List.of("MatMul", "MatMul"), f.nodes().stream().map(Node::opType).toList());
        INDArray x = randn(rng, 3, 6);
        INDArray expected = x.mmul(u.mmul(v).transpose());
        assertTrue(ort(f, x, "mm.onnx").equalsWithEps(expected, 1e-5));
    }

    @Test
    void badLayersAndFactorsAreLocated() {
        ModelGraph g = Zoo.build("lenet-300-100", 1);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(2);
        var wrongShape = assertThrows(IllegalArgumentException.class,
                () -> GemmFactorization.apply(g, "fc2", randn(rng, 5, 784), randn(rng, 100, 5)));
        assertTrue(wrongShape.getMessage().contains("layer 'fc2' has a weight [100, 300]"), wrongShape.getMessage());
        String relu = g.nodes().stream().filter(n -> n.opType().equals("Relu")).findFirst().orElseThrow().name();
        var notFc = assertThrows(IllegalArgumentException.class,
                () -> GemmFactorization.apply(g, relu, randn(rng, 1, 1), randn(rng, 1, 1)));
        assertTrue(notFc.getMessage().contains("is not a Gemm or MatMul"), notFc.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> GemmFactorization.apply(g, "fc9", randn(rng, 1, 1), randn(rng, 1, 1)));
        assertTrue(missing.getMessage().contains("'fc9'"), missing.getMessage());
    }
}
