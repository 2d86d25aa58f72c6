package dev.condense.kernel.stage.factorize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.Fixtures;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.stage.Preview;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The {@code factorize} stage on convolutions (vgg-small with planted kernels of exact multilinear rank (4, 6)) and
 * its whole-model MAC budget: the preview's rows with ranks and MACs, a conv skipped because its MACs would not
 * drop, the factorized model in ONNX Runtime equal to the original, {@code target-macs} met by the model, and
 * located errors (a rank above the full rank, a selector matching no conv, a budget out of reach, a budget with
 * overrides, a decomposition that takes no ranks). The decomposition is a test truncated HOSVD through
 * LAPACKE_sgesdd (the {@code decomp-tucker2} plugin, with HOOI and VBMF, is tested in its module).
 */
class MacBudgetTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: vgg-small}\nstages:\n";

    @TempDir
    Path dir;

    /** Params of the test decomposition. */
    record Ranks(int rankIn, int rankOut) {
        Ranks {
            if (rankIn < 1 || rankOut < 1) {
                throw new IllegalArgumentException("ranks must be >= 1");
            }
        }
    }

    /** The leading r left singular vectors of a matrix, by LAPACKE_sgesdd. */
    static INDArray leading(INDArray a, int r) {
        int m = (int) a.size(0);
        int n = (int) a.size(1);
        int k = Math.min(m, n);
        float[] s = new float[k];
        float[] u = new float[m * k];
        float[] vt = new float[k * n];
        int info = openblas.LAPACKE_sgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', m, n,
                a.castTo(DataType.FLOAT).dup('c').data().asFloat(), n, s, u, k, vt, n);
        assertEquals(0, info, "sgesdd info");
        return Nd4j.create(u, new long[] {m, k}, 'c').get(NDArrayIndex.all(), NDArrayIndex.interval(0, r)).dup('c');
    }

    /** Truncated HOSVD of the channel modes, layout conv-tucker2; refuses ranks above the channel counts. */
    static final class TestTucker implements Decomposition<Ranks> {
        public String id() { return "test-tucker"; }
        public Class<Ranks> paramsType() { return Ranks.class; }
        public String summary() { return "truncated HOSVD for tests"; }
        @Override public String layout() { return Factorization.CONV_TUCKER2; }
        @Override public Ranks withRanks(Ranks p, long[] r) { return new Ranks((int) r[0], (int) r[1]); }

        public Factorization decompose(INDArray w, Ranks p) {
            long o = w.size(0);
            long i = w.size(1);
            long kk = w.size(2) * w.size(3);
            if (p.rankIn() > i || p.rankOut() > o) {
                throw new IllegalArgumentException("ranks " + p.rankIn() + ", " + p.rankOut() + " exceed " + i + ", "
                        + o);
            }
            INDArray k = w.castTo(DataType.FLOAT).dup('c');
            INDArray uOut = leading(k.reshape('c', o, i * kk), p.rankOut());
            INDArray uIn = leading(k.permute(1, 0, 2, 3).dup('c').reshape('c', i, o * kk), p.rankIn());
            INDArray t = uOut.transpose().mmul(k.reshape('c', o, i * kk)); // [r2, I kk]
            t = t.reshape('c', p.rankOut(), i, kk).permute(0, 2, 1).dup('c').reshape('c', p.rankOut() * kk, i);
            INDArray core = t.mmul(uIn).reshape('c', p.rankOut(), kk, p.rankIn()).permute(0, 2, 1).dup('c')
                    .reshape('c', p.rankOut(), p.rankIn(), w.size(2), w.size(3));
            return new Factorization(List.of(uIn, core, uOut), Factorization.CONV_TUCKER2);
        }

        /** {@code W[o, i, h, w] = sum_b,a U_out[o, b] G[b, a, h, w] U_in[i, a]}. */
        public INDArray reconstruct(Factorization f) {
            INDArray uIn = f.factors().get(0);
            INDArray core = f.factors().get(1);
            INDArray uOut = f.factors().get(2);
            long r2 = core.size(0);
            long r1 = core.size(1);
            long kk = core.size(2) * core.size(3);
            INDArray t = uOut.mmul(core.reshape('c', r2, r1 * kk)).reshape('c', uOut.size(0), r1, kk); // [O, r1, kk]
            INDArray m = t.permute(0, 2, 1).dup('c').reshape('c', uOut.size(0) * kk, r1).mmul(uIn.transpose());
            return m.reshape('c', uOut.size(0), kk, uIn.size(0)).permute(0, 2, 1).dup('c')
                    .reshape('c', uOut.size(0), uIn.size(0), core.size(2), core.size(3));
        }
    }

    private FactorizeStageSpec spec(String body) {
        Path r = Fixtures.write(dir, "r.yaml", HEADER + "  - factorize: " + body + "\n");
        return (FactorizeStageSpec) RecipeLoader.load(r).stages().get(0);
    }

    private FactorizeStep step(String body, Decomposition<?> d, Record params) {
        return new FactorizeStep(spec(body), d, params, List.of());
    }

    /** vgg-small with every conv but the first of exact multilinear rank (4, 6): a core times seeded factors. */
    static ModelGraph planted() {
        ModelGraph g = Zoo.build("vgg-small", 3);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(31);
        ModelGraph.Builder b = g.toBuilder();
        for (String w : List.of("b1.conv2.weight", "b2.conv1.weight", "b2.conv2.weight")) {
            long[] s = g.initializers().get(w).shape();
            INDArray core = Nd4j.randn(rng, new long[] {6, 4 * 9}).castTo(DataType.FLOAT);
            INDArray uIn = Nd4j.randn(rng, new long[] {s[1], 4}).castTo(DataType.FLOAT).muli(0.3);
            INDArray uOut = Nd4j.randn(rng, new long[] {s[0], 6}).castTo(DataType.FLOAT).muli(0.3);
            INDArray t = uOut.mmul(core).reshape('c', s[0], 4, 9).permute(1, 0, 2).dup('c').reshape('c', 4, s[0] * 9);
            b.initializer(w, uIn.mmul(t).reshape('c', s[1], s[0], 3, 3).permute(1, 0, 2, 3).dup('c'));
        }
        return b.build();
    }

    @Test
    void convsAreFactorizedAtTheirRanks() {
        Preview p = step("{decomposition: {test-tucker: {rank-in: 4, rank-out: 6}}, layers: {exclude:"
                + " [b1.conv1.weight]}}", new TestTucker(), new Ranks(4, 6)).preview(planted());
        assertEquals("factorize: 3 of 3 layers by test-tucker", p.lines().get(0));
        assertEquals("  'b1.conv2.weight' [32, 16, 3, 3] ranks 4, 6: MACs " + 32 * 16 * 9 * 784 + " -> "
                + (16 * 4 * 784 + 6 * 4 * 9 * 784 + 32 * 6 * 784), p.lines().get(1));
        assertTrue(p.graph().initializers().containsKey("b2.conv2.core.weight"));
        Preview first = step("{decomposition: {test-tucker: {rank-in: 1, rank-out: 9}}, layers: {include:"
                + " [b1.conv1.weight]}}", new TestTucker(), new Ranks(1, 9)).preview(planted());
        assertEquals("  'b1.conv1.weight' [16, 1, 3, 3] ranks 1, 9: skipped, ranks 1, 9 would need "
                + (9 * 9 * 784 + 16 * 9 * 784) + " MACs per sample, not fewer than " + 16 * 9 * 784,
                first.lines().get(1));
        assertTrue(first.graph().initializers().containsKey("b1.conv1.weight"), "the first conv stays"); // U_in folded
    }

    @Test
    void theFactorizedModelRunsInOrtAndEqualsTheOriginal() {
        ModelGraph g = planted();
        ModelGraph f = step("{decomposition: {test-tucker: {rank-in: 4, rank-out: 6}}, layers: {exclude:"
                + " [b1.conv1.weight]}}", new TestTucker(), new Ranks(4, 6)).factorize(g).graph();
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(4), new long[] {16, 1, 28, 28})
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
    void aMacBudgetIsMetByTheWholeModelWithRanksScaledAlikeAndTheFirstConvSkipped() {
        ModelGraph g = Zoo.build("vgg-small", 5);
        FactorizeStep step = step("{decomposition: test-tucker, target-macs: 0.4}", new TestTucker(), new Ranks(1, 1));
        FactorizeStep.Outcome o = step.factorize(g);
        long before = LayerCost.total(g);
        assertEquals(before, o.modelBefore());
        assertEquals(LayerCost.total(o.graph()), o.modelAfter());
        assertTrue(o.modelAfter() <= 0.4 * before, o.modelAfter() + " of " + before);
        assertTrue(o.modelAfter() > 0.3 * before, "the largest ranks within the budget: " + o.modelAfter());
        LayerRow last = o.rows().get(3);
        assertArrayEquals(new long[] {64, 32, 3, 3}, last.shape());
        assertEquals(2 * last.ranks()[0], last.ranks()[1], 1.0, "64 output channels, 32 input: ranks scaled alike");
        assertEquals(1, o.rows().get(0).ranks()[0], "one input channel");
        assertTrue(step.preview(g).lines().get(0).contains("target 0.4"), step.preview(g).lines().get(0));
        FactorizeStep.Outcome eights = step("{decomposition: test-tucker, target-macs: 0.4, rank-multiple: 8}",
                new TestTucker(), new Ranks(1, 1)).factorize(g);
        assertTrue(eights.modelAfter() <= 0.4 * before, eights.modelAfter() + " of " + before);
        for (LayerRow r : eights.rows().subList(1, 4)) {
            assertTrue(r.ranks()[0] % 8 == 0 && r.ranks()[1] % 8 == 0, r.toMap().toString());
        }
    }

    /**
     * The breakpoint search finds the ranks of the largest rho on a fine grid (every 1/4096) that meets the budget,
     * for ranks in steps of 1 and of 8 (the model's MACs need not be monotone in rho once full-rank modes fold, so
     * the budget does not bisect).
     */
    @Test
    void theBudgetTakesTheLargestScaleThatFits() {
        ModelGraph g = Zoo.build("vgg-small", 5);
        long before = LayerCost.total(g);
        for (int multiple : new int[] {1, 8}) {
            FactorizeStep step = step("{decomposition: test-tucker, target-macs: 0.45, rank-multiple: " + multiple
                    + "}", new TestTucker(), new Ranks(1, 1));
            List<Candidate> candidates = step.candidates(g);
            double best = 0;
            for (int i = 0; i <= 4096; i++) {
                if (MacBudget.macsAt(i / 4096.0, candidates, before, multiple) <= 0.45 * before) {
                    best = i / 4096.0;
                }
            }
            var chosen = MacBudget.ranks(candidates, before, 0.45, multiple, null);
            for (Candidate c : candidates) {
                assertArrayEquals(MacBudget.ranksAt(best, c.full(), multiple), chosen.get(c.layer().node().name()),
                        c.layer().source() + ", multiple " + multiple);
            }
        }
    }

    @Test
    void ranksAtAScaleAreCeilingsWithinOneAndTheFullRank() {
        assertArrayEquals(new long[] {1, 1}, MacBudget.ranksAt(0.0, new long[] {16, 32}, 1));
        assertArrayEquals(new long[] {4, 8}, MacBudget.ranksAt(0.25, new long[] {16, 32}, 1));
        assertArrayEquals(new long[] {5, 9}, MacBudget.ranksAt(0.26, new long[] {16, 32}, 1));
        assertArrayEquals(new long[] {16, 32}, MacBudget.ranksAt(1.0, new long[] {16, 32}, 1));
        assertArrayEquals(new long[] {8, 16}, MacBudget.ranksAt(0.26, new long[] {16, 32}, 8));
        assertArrayEquals(new long[] {8, 8}, MacBudget.ranksAt(0.0, new long[] {16, 32}, 8));
        assertArrayEquals(new long[] {3, 8}, MacBudget.ranksAt(0.1, new long[] {3, 32}, 8), "capped at the full rank");
    }

    @Test
    void badInputIsLocatedBeforeAnyWork() {
        ModelGraph g = planted();
        RecipeException tooHigh = assertThrows(RecipeException.class, () -> step("{decomposition: {test-tucker:"
                + " {rank-in: 40, rank-out: 6}}, layers: {include: [b1.conv2.weight]}}", new TestTucker(),
                new Ranks(40, 6)).preview(g));
        assertEquals(4, tooHigh.location().line(), tooHigh.getMessage());
        assertTrue(tooHigh.detail().contains("'b1.conv2.weight' [32, 16, 3, 3]: ranks 40, 6 exceed 16, 32"),
                tooHigh.getMessage());
        RecipeException fc = assertThrows(RecipeException.class, () -> step("{decomposition: test-tucker, layers:"
                + " {include: [fc.weight]}}", new TestTucker(), new Ranks(2, 2)).preview(g));
        assertTrue(fc.detail().contains("'fc.weight' matches no layer to factorize; factorizable layers:"
                + " b1.conv1.weight, b1.conv2.weight, b2.conv1.weight, b2.conv2.weight"), fc.getMessage());
        RecipeException reach = assertThrows(RecipeException.class, () -> step("{decomposition: test-tucker,"
                + " target-macs: 0.01}", new TestTucker(), new Ranks(1, 1)).preview(g));
        assertEquals(4, reach.location().line(), reach.getMessage());
        assertTrue(reach.detail().contains("target-macs 0.01 is out of reach"), reach.getMessage());
        RecipeException range = assertThrows(RecipeException.class, () -> spec("{decomposition: test-tucker,"
                + " target-macs: 1.5}"));
        assertTrue(range.detail().contains("target-macs must be in (0, 1)"), range.getMessage());
        RecipeException alone = assertThrows(RecipeException.class, () -> spec("{decomposition: test-tucker,"
                + " rank-multiple: 8}"));
        assertTrue(alone.detail().contains("give one of them too"), alone.getMessage());
        RecipeException both = assertThrows(RecipeException.class, () -> spec("{decomposition: test-tucker,"
                + " overrides: {b1.conv2.weight: {rank-in: 2, rank-out: 2}}, target-macs: 0.5}"));
        assertTrue(both.detail().contains("does not combine with overrides"), both.getMessage());
        RecipeException noRanks = assertThrows(RecipeException.class, () -> new FactorizeStep(spec(
                "{decomposition: test-svd, target-macs: 0.5}"), new FactorizeStageTest.TestSvd(),
                new FactorizeStageTest.Rank(2), List.of()).preview(Zoo.build("lenet-300-100", 1)));
        assertTrue(noRanks.detail().contains("'test-svd' takes no ranks from a MAC budget"), noRanks.getMessage());
    }
}
