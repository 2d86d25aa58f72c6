package dev.condense.engine.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tucker-2 rewrite of convolutions: the factorized vgg-small (Conv -> BatchNormalization) and a strided, padded,
 * dilated conv with a bias in ONNX Runtime against the same graphs with each kernel replaced by the product of its
 * planted factors; the MACs of each factor; located errors.
 */
class ConvFactorizationTest {

    @TempDir
    Path dir;

    private static INDArray randn(Random rng, long... shape) {
        return Nd4j.randn(rng, shape).castTo(DataType.FLOAT).muli(0.3);
    }

    /** {@code W[o, i, y, x] = sum_{a, b} U_out[o, a] core[a, b, y, x] U_in[i, b]}, written out independently. */
    static INDArray product(INDArray uIn, INDArray core, INDArray uOut) {
        long r2 = core.size(0);
        long r1 = core.size(1);
        long kh = core.size(2);
        long kw = core.size(3);
        INDArray w = Nd4j.zeros(DataType.FLOAT, uOut.size(0), uIn.size(0), kh, kw);
        for (int y = 0; y < kh; y++) { // a fixture: kh * kw small products, each two gemms
            for (int x = 0; x < kw; x++) {
                INDArray slice = core.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(y),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(x)).reshape(r2, r1);
                w.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(y), org.nd4j.linalg.indexing.NDArrayIndex.point(x))
                        .assign(uOut.mmul(slice).mmul(uIn.transpose()));
            }
        }
        return w;
    }

    /** {@code W[o, i, y, x] = sum_r U_out[o, r] U_in[i, r] K_y[y, r] K_x[x, r]}, slice by slice. */
    static INDArray cpProduct(INDArray uIn, INDArray ky, INDArray kx, INDArray uOut) {
        INDArray w = Nd4j.zeros(DataType.FLOAT, uOut.size(0), uIn.size(0), ky.size(0), kx.size(0));
        for (int y = 0; y < ky.size(0); y++) { // a fixture: kH * kW small gemms
            for (int x = 0; x < kx.size(0); x++) {
                INDArray scale = ky.getRow(y).mul(kx.getRow(x)).reshape(1, uIn.size(1));
                w.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(y), org.nd4j.linalg.indexing.NDArrayIndex.point(x))
                        .assign(uOut.mulRowVector(scale).mmul(uIn.transpose()));
            }
        }
        return w;
    }

    /** {@code W[o, i, y, x] = sum_k H[o, k, 0, x] V[k, i, y, 0]}, slice by slice. */
    static INDArray separableProduct(INDArray v, INDArray h) {
        long kh = v.size(2);
        long kw = h.size(3);
        INDArray w = Nd4j.zeros(DataType.FLOAT, h.size(0), v.size(1), kh, kw);
        for (int y = 0; y < kh; y++) { // a fixture: kH * kW small gemms
            for (int x = 0; x < kw; x++) {
                INDArray hx = h.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(x));
                INDArray vy = v.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(y), org.nd4j.linalg.indexing.NDArrayIndex.point(0));
                w.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(y), org.nd4j.linalg.indexing.NDArrayIndex.point(x))
                        .assign(hx.mmul(vy));
            }
        }
        return w;
    }

    private INDArray ort(ModelGraph g, INDArray x, String file) {
        Path p = dir.resolve(file);
        new OnnxExporter().write(g, p);
        try (OrtRunner r = new OrtRunner(p, 1)) {
            return r.run(x);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = actual.sub(expected).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4 * Math.max(1, scale), "max |difference| " + diff + " at scale " + scale);
    }

    @Test
    void factorizedVggSmallWithBatchNormsRunsInOrtAndEqualsTheProductOfItsFactors() {
        ModelGraph g = Zoo.build("vgg-small", 1);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(17);
        ModelGraph product = g;
        ModelGraph factorized = g;
        Map<String, long[]> ranks = Map.of("b1.conv2", new long[] {5, 7}, "b2.conv1", new long[] {9, 12},
                "b2.conv2", new long[] {10, 20});
        Map<String, long[]> shapes = ShapeInference.infer(g);
        long expectedMacs = LayerCost.total(g);
        for (var e : ranks.entrySet()) {
            String layer = e.getKey();
            long[] k = g.initializers().get(layer + ".weight").shape();
            long r1 = e.getValue()[0];
            long r2 = e.getValue()[1];
            INDArray uIn = randn(rng, k[1], r1);
            INDArray core = randn(rng, r2, r1, k[2], k[3]);
            INDArray uOut = randn(rng, k[0], r2);
            product = product.toBuilder().initializer(layer + ".weight", product(uIn, core, uOut)).build();
            factorized = ConvFactorization.applyTucker2(factorized, layer, uIn, core, uOut);
            Node conv = g.nodes().stream().filter(n -> n.name().equals(layer)).findFirst().orElseThrow();
            long[] in = shapes.get(conv.inputs().get(0));
            long[] out = shapes.get(conv.output());
            expectedMacs += ConvFactorization.tucker2Macs(k, in[2] * in[3], out[2] * out[3], r1, r2)
                    - k[0] * k[1] * k[2] * k[3] * out[2] * out[3];
        }
        assertFalse(factorized.initializers().containsKey("b2.conv1.weight"), "the replaced weight is dropped");
        assertArrayEquals(new long[] {9, 32, 1, 1}, factorized.initializers().get("b2.conv1.in.weight").shape());
        assertArrayEquals(new long[] {12, 9, 3, 3}, factorized.initializers().get("b2.conv1.core.weight").shape());
        assertArrayEquals(new long[] {32, 12, 1, 1}, factorized.initializers().get("b2.conv1.out.weight").shape());
        assertEquals("b2.conv1.bn", factorized.consumers("b2.conv1").get(0).name(), "the BN still reads the output");

        Map<String, Long> macs = new HashMap<>();
        LayerCost.of(factorized).forEach(c -> macs.put(c.node(), c.macs()));
        assertEquals(9L * 32 * 14 * 14, macs.get("b2.conv1.in"), "1x1 at the input resolution");
        assertEquals(12L * 9 * 9 * 14 * 14, macs.get("b2.conv1.core"));
        assertEquals(32L * 12 * 14 * 14, macs.get("b2.conv1.out"));
        assertEquals(expectedMacs, LayerCost.total(factorized), "three convs factorized, the rest unchanged");

        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {8, 1, 28, 28})
                .castTo(DataType.FLOAT);
        assertClose(ort(product, x, "product.onnx"), ort(factorized, x, "factorized.onnx"));
    }

    @Test
    void aStridedPaddedDilatedConvWithBiasKeepsItsGeometry() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(23);
        INDArray w = randn(rng, 8, 6, 3, 3);
        ModelGraph g = ModelGraph.builder("conv")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 6, 11, 11}))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 8, 5, 6}))
                .initializer("w", w).initializer("b", randn(rng, 8))
                .node(new Node("conv", "Conv", List.of("x", "w", "b"), List.of("y"), Map.of(
                        "kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2},
                        "pads", new long[] {1, 2, 0, 2}, "dilations", new long[] {2, 1})))
                .build();
        INDArray uIn = randn(rng, 6, 4);
        INDArray core = randn(rng, 5, 4, 3, 3);
        INDArray uOut = randn(rng, 8, 5);
        ModelGraph f = ConvFactorization.applyTucker2(g, "conv", uIn, core, uOut);
        assertEquals(List.of("conv.in", "conv.core", "conv.out"), f.nodes().stream().map(Node::name).toList());
        assertEquals(List.of("conv.core.out", "conv.out.weight", "b"), f.nodes().get(2).inputs(),
                "the last 1x1 keeps the bias");
        ModelGraph p = g.toBuilder().initializer("w", product(uIn, core, uOut)).build();
        assertArrayEquals(ShapeInference.infer(p).get("y"), ShapeInference.infer(f).get("y"));
        INDArray x = randn(rng, 3, 6, 11, 11);
        assertClose(ort(p, x, "p.onnx"), ort(f, x, "f.onnx"));
    }

    /**
     * A full-rank factor is folded into the core: r1 = in drops the input 1x1, r2 = out the output 1x1 (the bias moves
     * to the core), both full leave one conv; each chain computes the product of the factors, and the MACs drop the
     * folded 1x1s.
     */
    @Test
    void aFullRankFactorIsFoldedIntoTheCore() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(29);
        ModelGraph g = oddConv(randn(rng, 8, 6, 3, 2), randn(rng, 8));
        INDArray x = randn(rng, 2, 6, 11, 12);
        long[] k = {8, 6, 3, 2};
        Map<List<Long>, List<String>> chains = Map.of(List.of(6L, 5L), List.of("conv.core", "conv.out"),
                List.of(4L, 8L), List.of("conv.in", "conv.core"), List.of(6L, 8L), List.of("conv.core"));
        for (var e : chains.entrySet()) {
            long r1 = e.getKey().get(0);
            long r2 = e.getKey().get(1);
            INDArray uIn = randn(rng, 6, r1);
            INDArray core = randn(rng, r2, r1, 3, 2);
            INDArray uOut = randn(rng, 8, r2);
            ModelGraph f = ConvFactorization.applyTucker2(g, "conv", uIn, core, uOut);
            assertEquals(e.getValue(), f.nodes().stream().map(Node::name).toList(), "ranks " + e.getKey());
            assertEquals("b", f.nodes().get(f.nodes().size() - 1).inputs().get(2), "the last conv keeps the bias");
            ModelGraph p = g.toBuilder().initializer("w", product(uIn, core, uOut)).build();
            assertClose(ort(p, x, "p.onnx"), ort(f, x, "f.onnx"));
            long[] out = ShapeInference.infer(f).get("y");
            assertEquals(ConvFactorization.tucker2Macs(k, 11 * 12, out[2] * out[3], r1, r2), LayerCost.total(f),
                    "ranks " + e.getKey());
        }
        assertEquals(8L * 6 * 3 * 2 * 20, ConvFactorization.tucker2Macs(k, 132, 20, 6, 8), "both full: the kernel");
    }

    /** A strided, asymmetrically padded, dilated 3x2 conv with a bias, for the CP and separable chains. */
    private static ModelGraph oddConv(INDArray w, INDArray b) {
        return ModelGraph.builder("conv")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 6, 11, 12}))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 8, -1, -1}))
                .initializer("w", w).initializer("b", b)
                .node(new Node("conv", "Conv", List.of("x", "w", "b"), List.of("y"), Map.of(
                        "kernel_shape", new long[] {3, 2}, "strides", new long[] {2, 3},
                        "pads", new long[] {1, 2, 0, 1}, "dilations", new long[] {2, 1})))
                .build();
    }

    @Test
    void theCpChainOfFourConvsEqualsItsProduct() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(29);
        ModelGraph g = oddConv(randn(rng, 8, 6, 3, 2), randn(rng, 8));
        INDArray uIn = randn(rng, 6, 5);
        INDArray ky = randn(rng, 3, 5);
        INDArray kx = randn(rng, 2, 5);
        INDArray uOut = randn(rng, 8, 5);
        ModelGraph f = ConvFactorization.applyCp(g, "conv", uIn, ky, kx, uOut);
        assertEquals(List.of("conv.in", "conv.v", "conv.h", "conv.out"), f.nodes().stream().map(Node::name).toList());
        assertEquals(5L, f.nodes().get(1).intAttr("group", 1), "depthwise");
        ModelGraph p = g.toBuilder().initializer("w", cpProduct(uIn, ky, kx, uOut)).build();
        long[] out = ShapeInference.infer(p).get("y");
        assertArrayEquals(out, ShapeInference.infer(f).get("y"));
        Map<String, Long> macs = new HashMap<>();
        LayerCost.of(f).forEach(c -> macs.put(c.node(), c.macs()));
        assertEquals(ConvFactorization.cpMacs(new long[] {8, 6, 3, 2}, new long[] {11, 12}, new long[] {out[2], out[3]},
                5), LayerCost.total(f), "the cost model agrees with the MAC table");
        INDArray x = randn(rng, 3, 6, 11, 12);
        assertClose(ort(p, x, "p.onnx"), ort(f, x, "f.onnx"));
    }

    @Test
    void theSeparableChainEqualsItsProduct() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(31);
        ModelGraph g = oddConv(randn(rng, 8, 6, 3, 2), randn(rng, 8));
        INDArray v = randn(rng, 4, 6, 3, 1);
        INDArray h = randn(rng, 8, 4, 1, 2);
        ModelGraph f = ConvFactorization.applySeparable(g, "conv", v, h);
        assertEquals(List.of("conv.v", "conv.h"), f.nodes().stream().map(Node::name).toList());
        ModelGraph p = g.toBuilder().initializer("w", separableProduct(v, h)).build();
        long[] out = ShapeInference.infer(p).get("y");
        assertEquals(ConvFactorization.separableMacs(new long[] {8, 6, 3, 2}, new long[] {11, 12},
                new long[] {out[2], out[3]}, 4), LayerCost.total(f), "the cost model agrees with the MAC table");
        INDArray x = randn(rng, 3, 6, 11, 12);
        assertClose(ort(p, x, "p.onnx"), ort(f, x, "f.onnx"));
    }

    @Test
    void badLayersAndFactorsAreLocated() {
        ModelGraph g = Zoo.build("vgg-small", 1);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(2);
        var wrongShape = assertThrows(IllegalArgumentException.class, () -> ConvFactorization.applyTucker2(g,
                "b1.conv2", randn(rng, 16, 4), randn(rng, 5, 4, 3, 3), randn(rng, 32, 6)));
        assertTrue(wrongShape.getMessage().contains("layer 'b1.conv2' has a kernel [32, 16, 3, 3]"),
                wrongShape.getMessage());
        var notConv = assertThrows(IllegalArgumentException.class, () -> ConvFactorization.applyTucker2(g, "fc",
                randn(rng, 1, 1), randn(rng, 1, 1, 1, 1), randn(rng, 1, 1)));
        assertTrue(notConv.getMessage().contains("layer 'fc' (Gemm) is not a Conv"), notConv.getMessage());
        Node grouped = new Node("g", "Conv", List.of("x", "w"), List.of("y"), Map.of("group", 2L));
        var group = assertThrows(IllegalArgumentException.class, () -> ConvFactorization.weight(g, grouped));
        assertTrue(group.getMessage().contains("group 2"), group.getMessage());
    }
}
