package dev.condense.kernel.stage.factorize;

import dev.condense.api.decomp.Factorization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.RecipeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Ranks for a latency budget ({@code target-latency: F}, optionally with {@code target-macs}), NetAdapt-style (Yang
 * et al., ECCV 2018) with a reconstruction-error proxy for accuracy. Every rank vector on the grid of multiples of
 * {@code rank-multiple} (each mode up to its full rank) whose MACs are below the dense layer's is a form of that
 * layer, with its relative reconstruction error {@code ||W - W'||^2 / ||W||^2} from the decomposition at those ranks.
 * {@link LatencyPlan}'s progressive search then shrinks one layer per step, each step timed on whole models in
 * ONNX Runtime ({@link InterleavedLatency}: the model before and after the step, calls alternated, one intra-op
 * thread, CPU time of the calling thread, batch {@code latency-batch}), until the model's time is at most F times the
 * dense model's (and its MACs fit {@code target-macs} when given). Whole models, not layers alone: a layer timed alone
 * pays layout conversions at its ends that the model does not, and neighbouring factorized layers interact (ONNX
 * Runtime's blocked layout breaks at channel counts that are not whole blocks), so per-layer times neither predict
 * nor add up to the model's here. The stage then times the chosen model against the dense one and reports both.
 *
 * <p>A run whose measured search stops short of the budget (no layer can cut a further 1% of the time) keeps the
 * closest ranks it reached, logs and reports {@code target_latency_met: false}: failing there would lose the run's
 * earlier stages for a target no preview can check.
 *
 * <p>Without measurement (the stage's preview, which must not spend seconds timing or depend on the machine's load)
 * the same search runs with each model's time taken as proportional to its MACs, so the preview's ranks are an
 * estimate and the run's may differ.
 */
final class LatencyRanks {
    /** Most forms one layer may have (each is decomposed, and may be timed); past it rank-multiple must grow. */
    static final int MAX_FORMS = 160;
    /** How each form is timed: 2 warm-up calls, 5 rounds of at least 2 calls (more for fast models) per model. */
    private static final InterleavedLatency.Plan OPTION_PLAN = new InterleavedLatency.Plan(2, 5, 2, 15);
    /** The share of the dense model's time each step of the search must save. */
    static final double STEP = 0.05;

    /** The decomposition at given ranks, and its reconstruction. */
    interface Forms {
        Factorization at(Candidate c, long[] ranks);

        INDArray reconstruct(Factorization f);
    }

    /**
     * The plan.
     *
     * @param ranks          chosen ranks by layer node name (null: the layer stays dense)
     * @param met            whether the search reached the budget; a run that measured a shortfall keeps the closest
     *                       ranks it found (a located error would come after the run's earlier stages, lost)
     * @param predictedShare the model's time after over before, the product of the search's measured steps (its
     *                       MACs after over before in the preview)
     * @param steps          the search's steps, each {@code "layer -> ranks: share after"}
     * @param timings        the comparisons it measured
     * @param measured       whether times were measured (run) or taken as proportional to MACs (preview)
     */
    record Plan(Map<String, long[]> ranks, boolean met, double predictedShare, List<String> steps, int timings,
                boolean measured) {
    }

    private LatencyRanks() {
    }

    /** The plan for {@code candidates} (unmasked) of {@code graph}; located errors when the budget is out of reach. */
    static Plan plan(ModelGraph graph, List<Candidate> candidates, FactorizeStageSpec spec, Forms forms,
                     boolean measure) {
        FactorizeStageSpec.TargetLatency target = spec.targetLatency();
        long modelMacs = LayerCost.total(graph);
        List<List<LatencyPlan.Option>> layers = new ArrayList<>();
        List<List<Factorization>> factors = new ArrayList<>();
        long layersMacs = 0;
        for (Candidate c : candidates) {
            List<long[]> grid = grid(c.full(), target.multiple());
            if (grid.size() > MAX_FORMS) {
                throw new RecipeException(target.location(), "target-latency would weigh " + grid.size()
                        + " rank choices of layer " + Quote.single(c.layer().source()) + " (at most " + MAX_FORMS
                        + "); raise rank-multiple (now " + target.multiple() + ")");
            }
            List<LatencyPlan.Option> options = new ArrayList<>();
            List<Factorization> fs = new ArrayList<>();
            options.add(new LatencyPlan.Option(null, 0.0, c.before()));
            fs.add(null);
            for (long[] r : grid) {
                if (c.after(r) < c.before()) {
                    Factorization f = forms.at(c, r);
                    options.add(new LatencyPlan.Option(r, relativeError(c.weight(), forms.reconstruct(f)),
                            c.after(r)));
                    fs.add(f);
                }
            }
            layers.add(options);
            factors.add(fs);
            layersMacs += c.before();
        }
        long rest = modelMacs - layersMacs;
        long macLimit = spec.targetMacs() == null ? Long.MAX_VALUE
                : (long) Math.floor(spec.targetMacs().share() * modelMacs) - rest;
        LatencyPlan.Timer timer = measure ? new LatencyPlan.Timer() {
            @Override
            public double speedup(int[] from, int[] to) {
                return compare(at(graph, candidates, factors, from), at(graph, candidates, factors, to),
                        target.batch(), OPTION_PLAN).speedupMedian();
            }

            @Override
            public boolean confirms() {
                return true;
            }
        } : (from, to) -> (double) (rest + LatencyPlan.macs(layers, from)) / (rest + LatencyPlan.macs(layers, to));
        LatencyPlan.Choice choice = LatencyPlan.choose(layers, target.share(), macLimit, STEP, timer);
        if (!choice.met() && !measure) {
            throw new RecipeException(target.location(), "target-latency " + target.share() + " is out of reach"
                    + (spec.targetMacs() == null ? "" : " with target-macs " + spec.targetMacs().share())
                    + " by the MACs-proportional estimate: after " + choice.trace().size() + " steps the model's MACs"
                    + " are at " + String.format("%.3f", choice.share()) + " and no layer can cut a further "
                    + LatencyPlan.MIN_STEP + " with smaller ranks on the grid of " + target.multiple() + "; layers: "
                    + String.join(", ", candidates.stream().map(c -> Quote.single(c.layer().source())).toList()));
        }
        Map<String, long[]> ranks = new LinkedHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            ranks.put(candidates.get(i).layer().node().name(), layers.get(i).get(choice.options()[i]).ranks());
        }
        List<String> steps = new ArrayList<>();
        for (double[] t : choice.trace()) {
            LatencyPlan.Option o = layers.get((int) t[0]).get((int) t[1]);
            steps.add(String.format("%s -> %s: %.3f", candidates.get((int) t[0]).layer().source(),
                    LayerRow.join(o.ranks()), t[2]));
        }
        return new Plan(ranks, choice.met(), choice.share(), steps, choice.timings(), measure);
    }

    /** {@code graph} with each candidate in its chosen form. */
    private static ModelGraph at(ModelGraph graph, List<Candidate> candidates, List<List<Factorization>> factors,
                                 int[] choice) {
        ModelGraph g = graph;
        for (int i = 0; i < choice.length; i++) {
            if (choice[i] != 0) {
                g = candidates.get(i).apply(g, factors.get(i).get(choice[i]));
            }
        }
        return g;
    }

    /** Every rank vector with each mode a multiple of {@code m} below its full rank, or the full rank. */
    static List<long[]> grid(long[] full, long m) {
        List<long[]> out = new ArrayList<>();
        out.add(new long[0]);
        for (long f : full) {
            List<long[]> next = new ArrayList<>();
            for (long[] prefix : out) {
                for (long r = Math.min(m, f); r <= f; r = r == f ? f + 1 : Math.min(f, r + m)) {
                    long[] v = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                    v[prefix.length] = r;
                    next.add(v);
                }
            }
            out = next;
        }
        return out;
    }

    /** {@code ||w - r||^2 / ||w||^2}. */
    static double relativeError(INDArray w, INDArray r) {
        double norm = w.norm2Number().doubleValue();
        double diff = w.sub(r.castTo(w.dataType()).reshape(w.shape())).norm2Number().doubleValue();
        return norm == 0 ? 0 : diff * diff / (norm * norm);
    }

    /** {@code before} against {@code after} (same input) in ONNX Runtime at {@code batch}, interleaved, one thread. */
    static LatencyComparison compare(ModelGraph before, ModelGraph after, long batch) {
        return compare(before, after, batch, new InterleavedLatency.Plan(3, 9, 3, 30));
    }

    private static LatencyComparison compare(ModelGraph before, ModelGraph after, long batch,
                                             InterleavedLatency.Plan plan) {
        try {
            Path dir = Files.createTempDirectory("condense-latency-");
            Path a = dir.resolve("before.onnx");
            Path b = dir.resolve("after.onnx");
            try {
                new OnnxExporter().write(before, a);
                new OnnxExporter().write(after, b);
                ValueInfo in = before.inputs().get(0);
                long[] shape = in.shape();
                shape[0] = batch;
                return InterleavedLatency.measure(a, b, shape, plan, 1).ratio();
            } finally {
                a.toFile().delete();
                b.toFile().delete();
                dir.toFile().delete();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the models to time", e);
        }
    }
}
