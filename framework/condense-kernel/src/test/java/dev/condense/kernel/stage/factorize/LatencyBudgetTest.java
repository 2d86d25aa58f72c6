package dev.condense.kernel.stage.factorize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.Fixtures;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The latency budget ({@code target-latency}): {@link LatencyPlan}'s progressive search against planted timers (the
 * least-error step that meets the cut, a timer with an interaction between layers that a per-layer sum misses, the
 * shrinking step near the target, the MAC limit after the time target, a target out of reach), the rank grid, and
 * the {@code factorize} stage with it: the preview's MAC-proportional plan on vgg-small with the test HOSVD, the run's
 * plan timed in ONNX Runtime (structure only: its ranks depend on this machine's timings), and located errors.
 */
class LatencyBudgetTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: vgg-small}\nstages:\n";

    @TempDir
    Path dir;

    private static LatencyPlan.Option dense(long macs) {
        return new LatencyPlan.Option(null, 0, macs);
    }

    private static LatencyPlan.Option form(long r, double error, long macs) {
        return new LatencyPlan.Option(new long[] {r}, error, macs);
    }

    /** A timer from a table of model times: time(choice) = base + sum of per-layer times + interaction. */
    private static LatencyPlan.Timer table(double[][] times, double pairBonus) {
        return (from, to) -> time(times, from, pairBonus) / time(times, to, pairBonus);
    }

    private static double time(double[][] times, int[] c, double pairBonus) {
        double t = 0.2;
        for (int i = 0; i < c.length; i++) {
            t += times[i][c[i]];
        }
        return c.length > 1 && c[0] != 0 && c[1] != 0 ? t - pairBonus : t; // both layers factorized: a reorder between them goes
    }

    @Test
    void eachStepTakesTheLayerWhoseFormAddsLeastErrorAndTheSearchStopsAtTheTarget() {
        // layer 0: dense 0.4, rank 8 at 0.3 (error 0.01), rank 4 at 0.2 (0.05); layer 1 likewise but costlier errors
        List<List<LatencyPlan.Option>> layers = List.of(
                List.of(dense(100), form(8, 0.01, 60), form(4, 0.05, 30)),
                List.of(dense(100), form(8, 0.02, 60), form(4, 0.2, 30)));
        double[][] times = {{0.4, 0.3, 0.2}, {0.4, 0.3, 0.2}};
        LatencyPlan.Choice c = LatencyPlan.choose(layers, 0.8, Long.MAX_VALUE, 0.05, table(times, 0));
        // dense 1.0; layer 0 rank 8 -> 0.9; layer 1 rank 8 -> 0.8 (error 0.02 < layer 0 rank 4's extra 0.04)
        assertArrayEquals(new int[] {1, 1}, c.options());
        assertEquals(0.8, c.share(), 1e-9);
        assertEquals(2, c.trace().size());
        assertEquals(0.9, c.trace().get(0)[2], 1e-9);
    }

    @Test
    void theSearchTimesWholeModelsSoAnInteractionBetweenLayersCounts() {
        // alone each rank-8 form saves 0.02 (below a 0.05 step); together they also drop a 0.2 reorder
        List<List<LatencyPlan.Option>> layers = List.of(
                List.of(dense(100), form(8, 0.01, 60)),
                List.of(dense(100), form(8, 0.01, 60)));
        double[][] times = {{0.4, 0.38}, {0.4, 0.38}};
        LatencyPlan.Choice c = LatencyPlan.choose(layers, 0.8, Long.MAX_VALUE, 0.05, table(times, 0.2));
        assertArrayEquals(new int[] {1, 1}, c.options(), "per-layer savings would sum to 0.96 only");
        assertEquals(0.98, c.trace().get(0)[2], 1e-9, "the first step is found by shrinking the cut to 1.25%");
        assertEquals(0.76, c.share(), 1e-9);
    }

    @Test
    void theMacLimitIsMetAfterTheTimeTargetWithoutSlowingTheModel() {
        List<List<LatencyPlan.Option>> layers = List.of(
                List.of(dense(100), form(8, 0.01, 60), form(4, 0.03, 30)),
                List.of(dense(100), form(8, 0.01, 60)));
        double[][] times = {{0.4, 0.3, 0.3}, {0.4, 0.4}}; // rank 4 of layer 0 costs MACs, not time
        LatencyPlan.Choice c = LatencyPlan.choose(layers, 0.9, 100, 0.05, table(times, 0));
        assertTrue(LatencyPlan.macs(layers, c.options()) <= 100, "MACs " + LatencyPlan.macs(layers, c.options()));
        assertEquals(0.9, c.share(), 1e-9);
    }

    @Test
    void aTargetOutOfReachEndsWhereTheSearchStopped() {
        List<List<LatencyPlan.Option>> layers = List.of(List.of(dense(100), form(8, 0.01, 60)));
        LatencyPlan.Choice c = LatencyPlan.choose(layers, 0.5, Long.MAX_VALUE, 0.05, table(new double[][] {{0.8,
            0.6}}, 0));
        assertTrue(!c.met());
        assertArrayEquals(new int[] {1}, c.options(), "where the search stopped");
        assertEquals(0.8 / 1.0, c.share(), 1e-9, "the last share reached is reported");
    }

    @Test
    void aMeasuredStepIsTimedTwiceSoOneLuckyReadingDoesNotDecide() {
        // layer 0's rank-8 form really saves 0.02 of 1.0, but its first reading says 0.10; layer 1's saves 0.10
        List<List<LatencyPlan.Option>> layers = List.of(
                List.of(dense(100), form(8, 0.01, 60)),
                List.of(dense(100), form(8, 0.02, 60)));
        double[][] times = {{0.4, 0.38}, {0.4, 0.3}};
        int[] calls = {0};
        LatencyPlan.Timer noisy = new LatencyPlan.Timer() {
            @Override
            public double speedup(int[] from, int[] to) {
                double real = time(times, from, 0) / time(times, to, 0);
                return calls[0]++ == 0 ? 1.0 / 0.9 : real;   // the very first reading is lucky
            }

            @Override
            public boolean confirms() {
                return true;
            }
        };
        LatencyPlan.Choice c = LatencyPlan.choose(layers, 0.91, Long.MAX_VALUE, 0.05, noisy);
        assertArrayEquals(new int[] {0, 1}, c.options(), "the lucky layer 0 is not taken; layer 1 is, confirmed");
        assertEquals(0.9, c.share(), 1e-9);
        assertEquals(4, c.timings(), "layer 0 twice (lucky, then real), layer 1 twice (both real)");

        LatencyPlan.Choice once = LatencyPlan.choose(layers, 0.91, Long.MAX_VALUE, 0.05, table(times, 0));
        assertEquals(2, once.timings(), "a cost model is not timed twice");
    }

    @Test
    void theGridHoldsMultiplesUpToTheFullRank() {
        List<long[]> g = LatencyRanks.grid(new long[] {16, 20}, 8);
        assertEquals(2 * 3, g.size());
        assertArrayEquals(new long[] {8, 8}, g.get(0));
        assertArrayEquals(new long[] {16, 20}, g.get(5));
        assertEquals(1, LatencyRanks.grid(new long[] {3}, 8).size(), "a mode below the multiple: its full rank");
    }

    @Test
    void relativeErrorIsTheSquaredNormRatio() {
        var w = Nd4j.createFromArray(new float[] {3, 4});
        assertEquals(0.04, LatencyRanks.relativeError(w, Nd4j.createFromArray(new float[] {3, 3})), 1e-6);
    }

    private FactorizeStageSpec spec(String body) {
        Path r = Fixtures.write(dir, "r.yaml", HEADER + "  - factorize: " + body + "\n");
        return (FactorizeStageSpec) RecipeLoader.load(r).stages().get(0);
    }

    private FactorizeStep step(String body) {
        return new FactorizeStep(spec(body), new MacBudgetTest.TestTucker(), new MacBudgetTest.Ranks(1, 1),
                List.of());
    }

    @Test
    void thePreviewPlansWithTimeProportionalToMacsWithinBothBudgets() {
        ModelGraph g = MacBudgetTest.planted();
        FactorizeStep.Outcome o = step("{decomposition: test-tucker, layers: {exclude: [b1.conv1.weight]},"
                + " target-latency: 0.5, target-macs: 0.4}").factorize(g);
        assertTrue(o.latency().predictedShare() <= 0.5, "predicted " + o.latency().predictedShare());
        assertEquals((double) o.modelAfter() / o.modelBefore(), o.latency().predictedShare(), 1e-9,
                "the preview's time is the model's MACs");
        assertTrue(o.modelAfter() <= 0.4 * LayerCost.total(g), o.modelAfter() + " MACs");
        for (LayerRow r : o.rows()) {
            assertTrue(r.skipped() != null || (r.ranks()[0] % 8 == 0 || r.ranks()[0] == r.shape()[1])
                    && (r.ranks()[1] % 8 == 0 || r.ranks()[1] == r.shape()[0]), r.toMap().toString());
        }
        assertTrue(o.latency().steps().size() >= 2 && !o.latency().measured(), o.latency().steps().toString());
    }

    @Test
    void theRunTimesWholeModelsInOrt() {
        ModelGraph g = Zoo.build("vgg-small", 5);
        FactorizeStep.Outcome o = step("{decomposition: test-tucker, layers: {include: [b2.conv2.weight]},"
                + " target-latency: 0.95, latency-batch: 16}").factorize(g, true);
        assertTrue(o.latency().measured());
        assertTrue(o.latency().met() && o.latency().timings() >= 1 && o.latency().predictedShare() <= 0.95,
                o.latency().toString());
        assertEquals(1, o.factorized(), "b2.conv2 (a third of the model's MACs) is cut to reach 0.95");
    }

    @Test
    void badInputIsLocatedBeforeAnyWork() {
        ModelGraph g = MacBudgetTest.planted();
        RecipeException reach = assertThrows(RecipeException.class, () -> step("{decomposition: test-tucker,"
                + " target-latency: 0.05}").preview(g));
        assertEquals(4, reach.location().line(), reach.getMessage());
        assertTrue(reach.detail().contains("target-latency 0.05 is out of reach"), reach.getMessage());
        RecipeException range = assertThrows(RecipeException.class, () -> spec("{decomposition: test-tucker,"
                + " target-latency: 1.5}"));
        assertTrue(range.detail().contains("target-latency must be in (0, 1)"), range.getMessage());
        RecipeException batch = assertThrows(RecipeException.class, () -> spec("{decomposition: test-tucker,"
                + " latency-batch: 8}"));
        assertTrue(batch.detail().contains("give target-latency too"), batch.getMessage());
        RecipeException both = assertThrows(RecipeException.class, () -> spec("{decomposition: test-tucker,"
                + " overrides: {b1.conv2.weight: {rank-in: 2, rank-out: 2}}, target-latency: 0.5}"));
        assertTrue(both.detail().contains("does not combine with overrides"), both.getMessage());
        RecipeException grid = assertThrows(RecipeException.class, () -> step("{decomposition: test-tucker,"
                + " target-latency: 0.5, rank-multiple: 1}").preview(g));
        assertTrue(grid.detail().contains("raise rank-multiple"), grid.getMessage());
    }
}
