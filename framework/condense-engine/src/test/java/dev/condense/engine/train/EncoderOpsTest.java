package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.fixtures.GraphFixtures;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The ops transformer encoders add, and the probability ops of classifier heads and ensembles exported by other
 * frameworks (LogSoftmax, Exp, Log), on small planted cases: each graph is exported and run in ONNX Runtime, and
 * lowered to SameDiff, and both are held to a value computed by hand (or by plain ND4J arithmetic) within 1e-5; the
 * export is imported back to the same node list.
 */
class EncoderOpsTest {
    @TempDir
    Path dir;

    private static final ValueInfo.ElementType F = ValueInfo.ElementType.FLOAT;
    private static final ValueInfo.ElementType I = ValueInfo.ElementType.INT64;

    /** LayerNorm as PyTorch exports it: ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta. */
    @Test
    void decomposedLayerNormEqualsTheHandComputation() throws Exception {
        INDArray gamma = Nd4j.createFromArray(1.5f, -0.5f, 2f, 1f);
        INDArray beta = Nd4j.createFromArray(0.1f, 0.2f, -0.3f, 0f);
        ModelGraph g = ModelGraph.builder("ln").input(new ValueInfo("x", F, new long[] {-1, 3, 4}))
                .initializer("two", Nd4j.scalar(2f)).initializer("eps", Nd4j.scalar(1e-5f))
                .initializer("gamma", gamma).initializer("beta", beta)
                .node(reduceMean("m", "x", "mean"))
                .node(new Node("sub", "Sub", List.of("x", "mean"), List.of("d"), Map.of()))
                .node(new Node("pow", "Pow", List.of("d", "two"), List.of("d2"), Map.of()))
                .node(reduceMean("v", "d2", "var"))
                .node(new Node("addeps", "Add", List.of("var", "eps"), List.of("ve"), Map.of()))
                .node(new Node("sqrt", "Sqrt", List.of("ve"), List.of("sd"), Map.of()))
                .node(new Node("div", "Div", List.of("d", "sd"), List.of("z"), Map.of()))
                .node(new Node("mul", "Mul", List.of("z", "gamma"), List.of("zg"), Map.of()))
                .node(new Node("add", "Add", List.of("zg", "beta"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", F, new long[] {-1, 3, 4})).build();
        INDArray x = GraphFixtures.randn(5, 2, 2, 3, 4);
        double[][][] xs = to3d(x);
        float[] expected = new float[24];
        int k = 0;
        for (double[][] batch : xs) {
            for (double[] row : batch) {
                double mean = java.util.Arrays.stream(row).average().orElseThrow();
                double var = java.util.Arrays.stream(row).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
                for (int j = 0; j < 4; j++) {
                    expected[k++] = (float) ((row[j] - mean) / Math.sqrt(var + 1e-5) * gamma.getDouble(j) + beta.getDouble(j));
                }
            }
        }
        check(g, Map.of("x", x), Nd4j.createFromArray(expected).reshape(2, 3, 4));
    }

    /** GELU as exported: x * 0.5 * (1 + erf(x / sqrt 2)); erf against tabulated values. */
    @Test
    void erfGeluEqualsTabulatedValues() throws Exception {
        ModelGraph g = ModelGraph.builder("gelu").input(new ValueInfo("x", F, new long[] {-1, 4}))
                .initializer("sqrt2", Nd4j.scalar((float) Math.sqrt(2))).initializer("one", Nd4j.scalar(1f))
                .initializer("half", Nd4j.scalar(0.5f))
                .node(new Node("div", "Div", List.of("x", "sqrt2"), List.of("s"), Map.of()))
                .node(new Node("erf", "Erf", List.of("s"), List.of("e"), Map.of()))
                .node(new Node("add", "Add", List.of("e", "one"), List.of("e1"), Map.of()))
                .node(new Node("mul", "Mul", List.of("x", "e1"), List.of("xe"), Map.of()))
                .node(new Node("mul2", "Mul", List.of("xe", "half"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", F, new long[] {-1, 4})).build();
        double[] xs = {-2 * Math.sqrt(2), 0, 0.5 * Math.sqrt(2), Math.sqrt(2)};
        double[] erf = {-0.9953222650, 0, 0.5204998778, 0.8427007929}; // erf(-2), erf(0), erf(0.5), erf(1)
        float[] want = new float[4];
        for (int i = 0; i < 4; i++) {
            want[i] = (float) (xs[i] * 0.5 * (1 + erf[i]));
        }
        INDArray x = Nd4j.createFromArray(new double[][] {xs}).castTo(DataType.FLOAT);
        check(g, Map.of("x", x), Nd4j.createFromArray(new float[][] {want}));
    }

    /** Embedding lookup: Gather of a float table by int64 token ids picks the rows. */
    @Test
    void gatherByTokenIdsPicksTableRows() throws Exception {
        INDArray table = Nd4j.arange(15).castTo(DataType.FLOAT).reshape(5, 3);
        ModelGraph g = ModelGraph.builder("emb").input(new ValueInfo("ids", I, new long[] {-1, 2}))
                .initializer("table", table)
                .node(new Node("gather", "Gather", List.of("table", "ids"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", F, new long[] {-1, 2, 3})).build();
        INDArray ids = Nd4j.createFromArray(new long[][] {{4, 0}, {2, 2}});
        INDArray want = Nd4j.createFromArray(new float[][][] {{{12, 13, 14}, {0, 1, 2}}, {{6, 7, 8}, {6, 7, 8}}});
        check(g, Map.of("ids", ids), want);
        assertTrue(SameDiffLowering.trainableInitializers(g).contains("table"), "embeddings train");
    }

    /** The attention-mask chain: Unsqueeze (axes input), Unsqueeze, Cast to float, (1 - m) * -10000. */
    @Test
    void maskUnsqueezeAndCastGiveTheAdditiveMask() throws Exception {
        ModelGraph g = ModelGraph.builder("mask").input(new ValueInfo("m", I, new long[] {-1, 3}))
                .initializer("a1", Nd4j.createFromArray(1L)).initializer("a2", Nd4j.createFromArray(2L))
                .initializer("one", Nd4j.scalar(1f)).initializer("big", Nd4j.scalar(-10000f))
                .node(new Node("u1", "Unsqueeze", List.of("m", "a1"), List.of("m1"), Map.of()))
                .node(new Node("u2", "Unsqueeze", List.of("m1", "a2"), List.of("m2"), Map.of()))
                .node(new Node("cast", "Cast", List.of("m2"), List.of("mf"), Map.of("to", 1L)))
                .node(new Node("sub", "Sub", List.of("one", "mf"), List.of("inv"), Map.of()))
                .node(new Node("mul", "Mul", List.of("inv", "big"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", F, new long[] {-1, 1, 1, 3})).build();
        INDArray m = Nd4j.createFromArray(new long[][] {{1, 1, 0}, {1, 0, 0}});
        INDArray want = Nd4j.createFromArray(new float[] {0, 0, -10000, 0, -10000, -10000}).reshape(2, 1, 1, 3);
        check(g, Map.of("m", m), want);
    }

    /** A sequence times a weight ([N, L, K] x [K, M]) and a batched attention product ([N, H, L, D] x [N, H, D, L]). */
    @Test
    void sequenceAndBatchedMatMulsEqualPerRowProducts() throws Exception {
        INDArray w = GraphFixtures.randn(3, 1, 4, 2);
        ModelGraph g = ModelGraph.builder("mm").input(new ValueInfo("x", F, new long[] {-1, 2, 3, 4}))
                .initializer("w", w).initializer("perm", Nd4j.createFromArray(0L))
                .node(new Node("proj", "MatMul", List.of("x", "w"), List.of("p"), Map.of()))
                .node(new Node("t", "Transpose", List.of("p"), List.of("pt"), Map.of("perm", new long[] {0, 1, 3, 2})))
                .node(new Node("att", "MatMul", List.of("p", "pt"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", F, new long[] {-1, 2, 3, 3})).build();
        INDArray x = GraphFixtures.randn(4, 1, 2, 2, 3, 4);
        INDArray want = Nd4j.create(DataType.FLOAT, 2, 2, 3, 3);
        for (int n = 0; n < 2; n++) {
            for (int h = 0; h < 2; h++) {
                INDArray p = x.slice(n).slice(h).mmul(w);
                want.slice(n).slice(h).assign(p.mmul(p.transpose()));
            }
        }
        check(g, Map.of("x", x), want);
    }

    /**
     * A PyTorch classifier's {@code log_softmax} head, then {@code log(exp(.))} of it: both equal
     * {@code x - log sum exp x} per row, computed by hand.
     */
    @Test
    void logSoftmaxExpAndLogEqualTheHandComputation() throws Exception {
        ModelGraph g = ModelGraph.builder("logp").input(new ValueInfo("x", F, new long[] {-1, 3}))
                .node(new Node("ls", "LogSoftmax", List.of("x"), List.of("l"), Map.of("axis", 1L)))
                .node(new Node("exp", "Exp", List.of("l"), List.of("p"), Map.of()))
                .node(new Node("log", "Log", List.of("p"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", F, new long[] {-1, 3})).build();
        double[][] xs = {{1, 2, 3}, {-4, 0, 0.5}};
        float[][] want = new float[2][3];
        for (int i = 0; i < 2; i++) {
            double lse = Math.log(Math.exp(xs[i][0]) + Math.exp(xs[i][1]) + Math.exp(xs[i][2]));
            for (int j = 0; j < 3; j++) {
                want[i][j] = (float) (xs[i][j] - lse);
            }
        }
        check(g, Map.of("x", Nd4j.createFromArray(xs).castTo(DataType.FLOAT)), Nd4j.createFromArray(want));
    }

    @Test
    void reduceMeanWithoutKeepdimsDropsTheAxes() throws Exception {
        ModelGraph g = ModelGraph.builder("rm").input(new ValueInfo("x", F, new long[] {-1, 2, 3}))
                .node(new Node("m", "ReduceMean", List.of("x"), List.of("y"), Map.of("axes", new long[] {1, -1},
                        "keepdims", 0L)))
                .output(new ValueInfo("y", F, new long[] {-1})).build();
        INDArray x = Nd4j.arange(12).castTo(DataType.FLOAT).reshape(2, 2, 3);
        check(g, Map.of("x", x), Nd4j.createFromArray(2.5f, 8.5f));
    }

    private static Node reduceMean(String name, String in, String out) {
        return new Node(name, "ReduceMean", List.of(in), List.of(out), Map.of("axes", new long[] {-1}));
    }

    private void check(ModelGraph g, Map<String, INDArray> inputs, INDArray want) throws Exception {
        Path file = dir.resolve(g.name() + ".onnx");
        new OnnxExporter().write(g, file);
        INDArray ort;
        try (OrtRunner r = new OrtRunner(file)) {
            ort = r.runAll(inputs).get("y");
        }
        INDArray sd = Inference.run(g, inputs).get("y");
        assertArrayEquals(want.shape(), ort.shape(), g.name() + " ORT shape");
        assertArrayEquals(want.shape(), sd.shape(), g.name() + " SameDiff shape");
        assertTrue(maxDiff(want, ort) < 1e-5, () -> g.name() + ": ORT " + ort + " vs " + want);
        assertTrue(maxDiff(want, sd) < 1e-5, () -> g.name() + ": SameDiff " + sd + " vs " + want);
        ModelGraph back = new OnnxImporter().read(file);
        assertEquals(g.nodes().stream().map(Node::opType).toList(), back.nodes().stream().map(Node::opType).toList());
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
    }

    private static double[][][] to3d(INDArray x) {
        long[] s = x.shape();
        double[][][] out = new double[(int) s[0]][(int) s[1]][(int) s[2]];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    out[i][j][k] = x.getDouble(i, j, k);
                }
            }
        }
        return out;
    }
}
