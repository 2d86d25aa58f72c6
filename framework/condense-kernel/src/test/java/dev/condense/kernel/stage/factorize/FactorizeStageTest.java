package dev.condense.kernel.stage.factorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.Fixtures;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.stage.Preview;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The {@code factorize} stage on LeNet-300-100 with planted exactly rank-10 fc1 and fc2: parsing and located errors,
 * the preview's lines and predicted graph, MACs per layer, a layer skipped because its MACs would not drop, and the
 * factorized model in ONNX Runtime equal to the original (the product of the factors). The decomposition is a test
 * truncated SVD through LAPACKE_sgesdd (the {@code decomp-svd} plugin is tested in its module).
 */
class FactorizeStageTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-300-100}\nstages:\n";

    @TempDir
    Path dir;

    /** Params of the test decomposition. */
    record Rank(int rank) {
    }

    /** Truncated SVD (LAPACKE_sgesdd, as the decomp-svd plugin), layout gemm-uv; refuses a rank above the full rank. */
    static final class TestSvd implements Decomposition<Rank> {
        public String id() { return "test-svd"; }
        public Class<Rank> paramsType() { return Rank.class; }
        public String summary() { return "truncated SVD for tests"; }

        public Factorization decompose(INDArray w, Rank p) {
            long m = w.size(0);
            long n = w.size(1);
            long k = Math.min(m, n);
            if (p.rank() > k) {
                throw new IllegalArgumentException("rank " + p.rank() + " exceeds the full rank " + k);
            }
            float[] a = w.castTo(DataType.FLOAT).dup('c').data().asFloat();
            float[] s = new float[(int) k];
            float[] u = new float[(int) (m * k)];
            float[] vt = new float[(int) (k * n)];
            int info = openblas.LAPACKE_sgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', (int) m, (int) n, a, (int) n,
                    s, u, (int) k, vt, (int) n);
            assertEquals(0, info, "sgesdd info");
            int r = p.rank();
            INDArray sr = Nd4j.createFromArray(s).get(NDArrayIndex.interval(0, r));
            INDArray us = Nd4j.create(u, new long[] {m, k}, 'c').get(NDArrayIndex.all(), NDArrayIndex.interval(0, r))
                    .mulRowVector(sr.reshape(1, r));
            INDArray v = Nd4j.create(vt, new long[] {k, n}, 'c').get(NDArrayIndex.interval(0, r), NDArrayIndex.all());
            return new Factorization(List.of(v.dup('c'), us.dup('c')), Factorization.GEMM_UV);
        }

        public INDArray reconstruct(Factorization f) {
            return f.factors().get(1).mmul(f.factors().get(0));
        }
    }

    private FactorizeStageSpec spec(String body) {
        Path r = Fixtures.write(dir, "r.yaml", HEADER + "  - factorize: " + body + "\n");
        return assertInstanceOf(FactorizeStageSpec.class, RecipeLoader.load(r).stages().get(0));
    }

    private FactorizeStep step(String body, int rank) {
        FactorizeStageSpec spec = spec(body);
        List<RankOverride.Bound> overrides = spec.overrides().stream().map(o -> new RankOverride.Bound(o.pattern(),
                new Rank(o.params().node().get("rank").asInt()))).toList();
        return new FactorizeStep(spec, new TestSvd(), new Rank(rank), overrides);
    }

    /** LeNet-300-100 with fc1 and fc2 of exact rank 10 (seeded products). */
    private static ModelGraph planted() {
        ModelGraph g = Zoo.build("lenet-300-100", 3);
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(31);
        ModelGraph.Builder b = g.toBuilder();
        for (String w : List.of("fc1.weight", "fc2.weight")) {
            long[] shape = g.initializers().get(w).shape();
            INDArray u = Nd4j.randn(rng, new long[] {shape[0], 10}).castTo(DataType.FLOAT).muli(0.1);
            INDArray v = Nd4j.randn(rng, new long[] {10, shape[1]}).castTo(DataType.FLOAT).muli(0.1);
            b.initializer(w, u.mmul(v));
        }
        return b.build();
    }

    @Test
    void parsesTheDecompositionAndLayers() {
        FactorizeStageSpec s = spec("{decomposition: {test-svd: {rank: 10}}, layers: {exclude: [fc3.weight]}}");
        assertEquals("test-svd", s.decomposition().id());
        assertFalse(s.layers().test("fc3.weight"));
        assertTrue(s.layers().test("fc1.weight"));
        Path r = Fixtures.write(dir, "r.yaml", HEADER + "  - factorize: {layers: {include: [fc1.weight]}}\n");
        RecipeException missing = assertThrows(RecipeException.class, () -> RecipeLoader.load(r));
        assertTrue(missing.detail().contains("missing required key 'decomposition'"), missing.getMessage());
        Path bare = Fixtures.write(dir, "r.yaml", HEADER + "  - factorize\n");
        assertThrows(RecipeException.class, () -> RecipeLoader.load(bare));
        Path unknown = Fixtures.write(dir, "r.yaml", HEADER + "  - factorize: {decomposition: svd, rank: 3}\n");
        RecipeException key = assertThrows(RecipeException.class, () -> RecipeLoader.load(unknown));
        assertEquals(4, key.location().line(), key.getMessage());
    }

    @Test
    void previewPredictsTheFactorsAndSkipsALayerWhoseMacsWouldNotDrop() {
        FactorizeStep step = step("{decomposition: {test-svd: {rank: 10}}}", 10);
        Preview p = step.preview(planted());
        assertEquals("factorize: 2 of 3 layers by test-svd", p.lines().get(0));
        assertEquals("  'fc1.weight' [300, 784] rank 10: MACs 235200 -> 10840", p.lines().get(1));
        assertEquals("  'fc2.weight' [100, 300] rank 10: MACs 30000 -> 4000", p.lines().get(2));
        assertEquals("  'fc3.weight' [10, 100] rank 10: skipped, rank 10 would need 1100 MACs per sample, not fewer"
                + " than 1000", p.lines().get(3));
        ModelGraph g = p.graph();
        assertEquals(List.of(10L, 784L), List.of(g.initializers().get("fc1.v.weight").shape()[0],
                g.initializers().get("fc1.v.weight").shape()[1]));
        assertTrue(g.initializers().containsKey("fc3.weight"), "fc3 stays");
        assertFalse(g.initializers().containsKey("fc1.weight"));

        FactorizeStep.Outcome o = step.factorize(planted());
        LayerRow fc3 = o.rows().get(2);
        assertEquals(1000, fc3.macsAfter());
        Map<String, Object> row = fc3.toMap();
        assertTrue(row.containsKey("skipped"), row.toString());
        assertNull(o.rows().get(0).skipped());
    }

    @Test
    void theFactorizedModelRunsInOrtAndEqualsTheOriginal() {
        ModelGraph g = planted();
        ModelGraph f = step("{decomposition: {test-svd: {rank: 10}}, layers: {include: ['re:fc[12]\\.weight']}}",
                10).factorize(g).graph();
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(4), new long[] {32, 1, 28, 28})
                .castTo(DataType.FLOAT);
        INDArray before = ort(g, x, "before.onnx");
        INDArray after = ort(f, x, "after.onnx");
        double diff = after.sub(before).amaxNumber().doubleValue();
        double scale = Math.max(1, before.amaxNumber().doubleValue());
        assertTrue(diff < 1e-4 * scale, "max |difference| " + diff + " at scale " + scale);
    }

    private INDArray ort(ModelGraph g, INDArray x, String name) {
        Path p = dir.resolve(name);
        new OnnxExporter().write(g, p);
        try (OrtRunner r = new OrtRunner(p, 1)) {
            return r.run(x);
        }
    }

    @Test
    void badInputIsLocatedBeforeAnyWork() {
        RecipeException tooHigh = assertThrows(RecipeException.class,
                () -> step("{decomposition: {test-svd: {rank: 200}}, layers: {include: [fc2.weight]}}", 200)
                        .preview(planted()));
        assertEquals(4, tooHigh.location().line(), tooHigh.getMessage());
        assertTrue(tooHigh.detail().contains("'fc2.weight' [100, 300]: rank 200 exceeds the full rank 100"),
                tooHigh.getMessage());
        RecipeException nothing = assertThrows(RecipeException.class,
                () -> step("{decomposition: {test-svd: {rank: 2}}, layers: {include: [conv1.weight]}}", 2)
                        .preview(planted()));
        assertEquals(4, nothing.location().line(), nothing.getMessage());
        assertTrue(nothing.detail().contains("'conv1.weight' matches no layer to factorize; factorizable layers:"
                + " fc1.weight, fc2.weight, fc3.weight"), nothing.getMessage());
    }

    @Test
    void anOverrideSetsALayersRankAndMustNameAFactorizedLayer() {
        FactorizeStep step = step("{decomposition: {test-svd: {rank: 10}}, layers: {exclude: [fc3.weight]},"
                + " overrides: {fc1.weight: {rank: 16}}}", 10);
        Preview p = step.preview(planted());
        assertEquals("  'fc1.weight' [300, 784] rank 16: MACs 235200 -> 17344", p.lines().get(1));
        assertEquals("  'fc2.weight' [100, 300] rank 10: MACs 30000 -> 4000", p.lines().get(2));
        @SuppressWarnings("unchecked")
        Map<String, Object> resolved = (Map<String, Object>) step.resolvedBody();
        assertEquals("{fc1.weight={rank=16}}", resolved.get("overrides").toString());
        RecipeException unmatched = assertThrows(RecipeException.class, () -> step("{decomposition: {test-svd:"
                + " {rank: 10}}, layers: {exclude: [fc3.weight]}, overrides: {fc3.weight: {rank: 2}}}", 10)
                .preview(planted()));
        assertEquals(4, unmatched.location().line(), unmatched.getMessage());
        assertTrue(unmatched.detail().contains("overrides pattern 'fc3.weight' names no layer this stage factorizes"),
                unmatched.getMessage());
    }

    @Test
    void aPrunedLayerIsSkippedWithTheReason() {
        ModelGraph g = planted();
        INDArray mask = g.initializers().get("fc2.weight").ulike().assign(1);
        mask.putScalar(0, 0, 0);
        ModelGraph masked = g.toBuilder().initializer("fc2.weight", g.initializers().get("fc2.weight").mul(mask))
                .mask("fc2.weight", mask).build();
        Preview p = step("{decomposition: {test-svd: {rank: 10}}, layers: {exclude: [fc3.weight]}}", 10)
                .preview(masked);
        assertEquals("factorize: 1 of 2 layers by test-svd", p.lines().get(0));
        assertTrue(p.lines().get(2).contains("'fc2.weight' [100, 300] rank 100: skipped, a pruned (masked) weight"),
                p.lines().get(2));
        assertTrue(p.graph().masks().containsKey("fc2.weight"), "the pruned layer keeps its mask");
    }
}
