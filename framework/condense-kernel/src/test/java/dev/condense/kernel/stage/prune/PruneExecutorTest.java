package dev.condense.kernel.stage.prune;

import dev.condense.kernel.run.RunOptions;
import dev.condense.kernel.run.RunContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.extension.NoParams;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.stage.prune.PruneStep;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.prune.Schedule;
import dev.condense.kernel.recipe.SparsityRule;
import dev.condense.kernel.stage.prune.Structured;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The prune stage end to end on zoo models, with an L1-norm scorer defined here (no plugin). */
class PruneExecutorTest {
    @TempDir
    Path dir;

    /** L1 norm of each unit: rows (axis 0) for neuron/filter, columns (axis 1) for channel. */
    private static class L1 implements ImportanceScorer<NoParams> {
        @Override
        public INDArray score(ScoringRequest r, NoParams p) {
            INDArray w = r.granularity() == Granularity.CHANNEL ? r.weight().swapAxes(0, 1).dup() : r.weight();
            return w.reshape(w.size(0), w.length() / w.size(0)).norm1(1);
        }

        @Override
        public Set<Granularity> granularities() {
            return Set.of(Granularity.values());
        }

        @Override
        public String id() {
            return "l1";
        }

        @Override
        public Class<NoParams> paramsType() {
            return NoParams.class;
        }

        @Override
        public String summary() {
            return "test L1";
        }
    }

    private RunContext ctx() {
        return new RunContext(7, 1, null, dir, new RunOptions(null, null, new PrintStream(OutputStream.nullOutputStream()),
                false, false), "test");
    }

    private static PruneStep step(Granularity g, SparsityRule rule, Schedule schedule) {
        return new PruneStep(new L1(), new NoParams(), g, rule, schedule, LayerFilter.ALL, Structured.REMOVE,
                new Location(Path.of("t.yaml"), 1, 1));
    }

    @Test
    void neuronRemovalShrinksTheMlpAndReportsMacs() {
        RunContext ctx = ctx();
        ModelGraph g = PruneExecutor.run(step(Granularity.NEURON, SparsityRule.uniform(0.5), new Schedule.OneShot()),
                Zoo.build("lenet-300-100", 1), ctx);
        assertArrayEquals(new long[] {150, 784}, g.initializers().get("fc1.weight").shape());
        assertArrayEquals(new long[] {50, 150}, g.initializers().get("fc2.weight").shape());
        assertArrayEquals(new long[] {10, 50}, g.initializers().get("fc3.weight").shape(), "output neurons stay");
        assertTrue(g.masks().isEmpty());
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) ctx.reported().get("totals");
        assertEquals(784L * 300 + 300 * 100 + 100 * 10, totals.get("macs_before"));
        assertEquals(784L * 150 + 150 * 50 + 50 * 10, totals.get("macs_after"));
        assertEquals(LayerCost.total(g), totals.get("macs_after"));
    }

    @Test
    void iterativeFilterRemovalOnVggRunsInOnnxRuntime() throws Exception {
        ModelGraph g0 = Zoo.build("vgg-small", 2);
        ModelGraph g = PruneExecutor.run(step(Granularity.FILTER, SparsityRule.uniform(0.5),
                new Schedule.Iterative(2, java.util.Optional.empty(), Schedule.Ramp.CUBIC)), g0, ctx());
        List<Long> before = LayerCost.of(g0).stream().filter(c -> c.opType().equals("Conv")).map(c -> c.shape()[0]).toList();
        List<Long> after = LayerCost.of(g).stream().filter(c -> c.opType().equals("Conv")).map(c -> c.shape()[0]).toList();
        assertEquals(before.stream().map(c -> c / 2).toList(), after);
        Path file = dir.resolve("vgg.onnx");
        new OnnxExporter().write(g, file);
        try (OrtRunner r = new OrtRunner(file)) {
            assertArrayEquals(new long[] {2, 10}, r.run(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 1, 28, 28)).shape());
        }
    }

    @Test
    void globalRankingWithFloorKeepsAShareOfEveryLayer() {
        ModelGraph g = PruneExecutor.run(step(Granularity.NEURON, SparsityRule.global(0.6, 0.3), new Schedule.OneShot()),
                Zoo.build("lenet-300-100", 1), ctx());
        long fc1 = g.initializers().get("fc1.weight").size(0);
        long fc2 = g.initializers().get("fc2.weight").size(0);
        assertEquals(400 - 240, fc1 + fc2, "60% of the 400 prunable neurons go");
        // Glorot init: fc2's rows (300 inputs, wider bound) have smaller L1 norms than fc1's (784 inputs), so the
        // global ranking takes fc2 down to its floor, 30% of 100, and the rest from fc1
        assertEquals(30, fc2);
        assertEquals(130, fc1);
    }

    /** Refits by doubling the kept slice, so the test can see which weights the kernel installed. */
    private static final class Doubling extends L1 {
        @Override
        public java.util.Optional<INDArray> refit(ScoringRequest r, long[] keep, NoParams p) {
            return java.util.Optional.of(r.weight().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.indices(keep)).mul(2));
        }
    }

    @Test
    void channelRemovalInstallsTheScorersRefit() {
        ModelGraph g0 = Zoo.build("lenet-300-100", 4);
        PruneStep s = new PruneStep(new Doubling(), new NoParams(), Granularity.CHANNEL, SparsityRule.uniform(0.5),
                new Schedule.OneShot(), LayerFilter.ALL, Structured.REMOVE, new Location(Path.of("t.yaml"), 1, 1));
        ModelGraph g = PruneExecutor.run(s, g0, ctx());
        assertArrayEquals(new long[] {150, 784}, g.initializers().get("fc1.weight").shape(), "fc2's inputs = fc1's rows");
        assertArrayEquals(new long[] {50, 150}, g.initializers().get("fc2.weight").shape());
        assertArrayEquals(new long[] {10, 50}, g.initializers().get("fc3.weight").shape());
        INDArray fc3 = g.initializers().get("fc3.weight");
        double kept = org.nd4j.linalg.ops.transforms.Transforms.abs(fc3).sumNumber().doubleValue();
        INDArray scores = new L1().score(new ScoringRequest("fc3.weight", g0.initializers().get("fc3.weight"),
                Granularity.CHANNEL, g0, new dev.condense.testkit.PlantedStageContext(0, java.util.Map.of())), new NoParams());
        double top = Nd4j.sort(scores.dup(), true).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(50, 100))
                .sumNumber().doubleValue();
        assertEquals(2 * top, kept, 1e-3 * kept, "refit doubled the 50 highest-L1 input columns of fc3");
    }
}
