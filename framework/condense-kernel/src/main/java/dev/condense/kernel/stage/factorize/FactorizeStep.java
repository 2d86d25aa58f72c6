package dev.condense.kernel.stage.factorize;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.plugin.PluginCallException;
import dev.condense.kernel.plugin.PluginCalls;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A planned {@code factorize} stage: each selected layer of the kind the decomposition's layout takes (Gemm/MatMul
 * for {@link Factorization#GEMM_UV}, seen as {@code [out, in]}; 2-d Conv of group 1 for the conv layouts
 * {@link Factorization#CONV_TUCKER2}, {@link Factorization#CONV_CP} and {@link Factorization#CONV_SEPARABLE}) is
 * decomposed by the {@link Decomposition} extension and the node replaced by
 * its factors ({@link Candidate#apply}) when that lowers its MACs per sample; otherwise, or when the weight carries a
 * pruning mask (its factors would be dense), the layer stays and the report says why. With {@code target-macs} the
 * ranks come from a whole-model MAC budget ({@link MacBudget}) through {@link Decomposition#withRanks}.
 *
 * <p>Preview decomposes the weights it sees, so with explicit ranks or a budget the predicted graph has the run's
 * names and shapes; with an energy or VBMF rule the ranks come from the weights before any earlier training and the
 * run may choose others. Bad input (a decomposition refusing its params on a layer, such as a rank above the layer's
 * full rank; a pattern matching no layer; no factorizable layer; a budget out of reach) is a located error from the
 * preview, before any work.
 */
public record FactorizeStep(FactorizeStageSpec spec, Decomposition<?> decomposition, Record params,
                            List<RankOverride.Bound> overrides) implements PlannedStage {

    public FactorizeStep {
        overrides = List.copyOf(overrides);
    }

    /** The params of layer {@code l}: the first override naming its weight or node, else the stage's. */
    Record paramsFor(WeightedLayer l) {
        return overrides.stream().filter(o -> o.pattern().matches(l.source()) || o.pattern().matches(l.node().name()))
                .findFirst().map(RankOverride.Bound::params).orElse(params);
    }

    @Override
    public String kind() {
        return "factorize";
    }

    @Override
    public Location location() {
        return spec.location();
    }

    @Override
    public Preview preview(ModelGraph graph) {
        Outcome o = factorize(graph, false);
        List<String> lines = new ArrayList<>();
        lines.add("factorize: " + o.factorized() + " of " + o.rows().size() + " layer"
                + (o.rows().size() == 1 ? "" : "s") + " by " + decomposition.id() + (spec.targetMacs() == null ? ""
                : String.format(", model MACs %d -> %d (%.3f, target %s)", o.modelBefore(), o.modelAfter(),
                (double) o.modelAfter() / o.modelBefore(), spec.targetMacs().share()))
                + (o.latency() == null ? "" : String.format(", predicted time %.3f of the model's MACs-proportional"
                + " estimate (target-latency %s; the run times the layers in ONNX Runtime and may choose other ranks)",
                o.latency().predictedShare(), spec.targetLatency().share())));
        for (LayerRow r : o.rows()) {
            lines.add("  " + r.describe());
        }
        return new Preview(o.graph(), lines);
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        Outcome o = factorize(graph, true);
        run.context().log("factorize: " + o.factorized() + " of " + o.rows().size() + " layers by "
                + decomposition.id());
        run.context().report("layers", o.rows().stream().map(LayerRow::toMap).toList());
        run.context().report("factorized", o.factorized());
        run.context().report("macs_before", o.rows().stream().mapToLong(LayerRow::macsBefore).sum());
        run.context().report("macs_after", o.rows().stream().mapToLong(LayerRow::macsAfter).sum());
        run.context().report("model_macs_before", o.modelBefore());
        run.context().report("model_macs_after", o.modelAfter());
        if (spec.targetMacs() != null) {
            run.context().report("target_macs", spec.targetMacs().share());
        }
        if (o.latency() != null) {
            var measured = LatencyRanks.compare(graph, o.graph(), spec.targetLatency().batch());
            run.context().log(String.format("factorize: predicted time %.3f of the model's, measured speed-up %.3fx"
                    + " (IQR %.3f-%.3f) at batch %d", o.latency().predictedShare(), measured.speedupMedian(),
                    measured.speedupQ1(), measured.speedupQ3(), spec.targetLatency().batch()));
            run.context().report("target_latency", spec.targetLatency().share());
            run.context().report("target_latency_met", o.latency().met());
            if (!o.latency().met()) {
                run.context().log(String.format("factorize: WARNING target-latency %s not reached: the search stopped"
                        + " at %.3f of the model's time (no layer could cut a further 1%%); kept those ranks",
                        spec.targetLatency().share(), o.latency().predictedShare()));
            }
            run.context().report("latency_batch", spec.targetLatency().batch());
            run.context().report("search_steps", o.latency().steps());
            o.latency().steps().forEach(st -> run.context().log("factorize: step " + st));
            run.context().report("search_timings", o.latency().timings());
            run.context().report("predicted_time_share", o.latency().predictedShare());
            run.context().report("measured_speedup", measured.speedupMedian());
            run.context().report("measured_speedup_iqr", List.of(measured.speedupQ1(), measured.speedupQ3()));
        }
        return o.graph();
    }

    /** The selected layers of {@code graph} with their cost model. */
    List<Candidate> candidates(ModelGraph graph) {
        Map<String, long[]> shapes = ShapeInference.infer(graph);
        return layers(graph).stream().map(l -> Candidate.of(graph, l, decomposition.layout(), shapes)).toList();
    }

    /** {@link #factorize(ModelGraph, boolean)} without timing anything (the preview's plan). */
    Outcome factorize(ModelGraph graph) {
        return factorize(graph, false);
    }

    /**
     * The graph with every worthwhile layer factorized, and a row per selected layer; {@code measure}: a latency
     * budget times the layers in ONNX Runtime (the run) rather than taking time as proportional to MACs (preview).
     */
    Outcome factorize(ModelGraph graph, boolean measure) {
        String layout = decomposition.layout();
        List<Candidate> candidates = candidates(graph);
        long modelBefore = LayerCost.total(graph);
        List<Candidate> unmasked = candidates.stream().filter(c -> !graph.masks().containsKey(c.layer().source()))
                .toList();
        LatencyRanks.Plan latency = spec.targetLatency() == null ? null
                : LatencyRanks.plan(graph, unmasked, spec, forms(), measure);
        Map<String, long[]> budget = latency != null ? latency.ranks() : spec.targetMacs() == null ? Map.of()
                : MacBudget.ranks(unmasked, modelBefore, spec.targetMacs().share(), spec.targetMacs().multiple(),
                spec.targetMacs().location());
        ModelGraph g = graph;
        List<LayerRow> rows = new ArrayList<>();
        for (Candidate c : candidates) {
            WeightedLayer l = c.layer();
            long before = c.before();
            if (graph.masks().containsKey(l.source())) {
                rows.add(new LayerRow(l, c.shape(), c.full(), before, before,
                        "a pruned (masked) weight: its factors would be dense and drop the mask"));
                continue;
            }
            if (latency != null && latency.ranks().get(l.node().name()) == null) {
                rows.add(new LayerRow(l, c.shape(), c.full(), before, before,
                        "the latency budget keeps it dense (no factorized form paid its error in time)"));
                continue;
            }
            Record p = budget.isEmpty() ? paramsFor(l) : withRanks(paramsFor(l), budget.get(l.node().name()));
            Factorization f = decompose(l, c.weight(), p);
            if (!f.layout().equals(layout) || f.factors().size() != c.factorCount()) {
                throw new RecipeException(spec.decomposition().location(), "decomposition "
                        + Quote.single(decomposition.id()) + " gave layout " + Quote.single(f.layout()) + " with "
                        + f.factors().size() + " factors for " + Quote.single(l.source()) + "; it declares " + layout);
            }
            long[] ranks = c.ranks(f);
            long after = c.after(ranks);
            if (after >= before) {
                rows.add(new LayerRow(l, c.shape(), ranks, before, before, (ranks.length == 1 ? "rank " : "ranks ")
                        + LayerRow.join(ranks) + " would need " + after + " MACs per sample, not fewer than " + before));
                continue;
            }
            g = c.apply(g, f);
            rows.add(new LayerRow(l, c.shape(), ranks, before, after, null));
        }
        return new Outcome(g, rows, modelBefore, LayerCost.total(g), latency);
    }

    /** The decomposition at exact ranks (through its budget hook) and its reconstruction, for {@link LatencyRanks}. */
    private LatencyRanks.Forms forms() {
        return new LatencyRanks.Forms() {
            @Override
            public Factorization at(Candidate c, long[] ranks) {
                return decompose(c.layer(), c.weight(), withRanks(paramsFor(c.layer()), ranks));
            }

            @Override
            public org.nd4j.linalg.api.ndarray.INDArray reconstruct(Factorization f) {
                return PluginCalls.in(decomposition, () -> decomposition.reconstruct(f));
            }
        };
    }

    private Location budgetLocation() {
        return spec.targetLatency() != null ? spec.targetLatency().location() : spec.targetMacs().location();
    }

    /** The params of the budget's ranks; a decomposition that takes none is a located error at target-macs. */
    @SuppressWarnings("unchecked")
    private <P extends Record> Record withRanks(Record p, long[] ranks) {
        try {
            return PluginCalls.in(decomposition, () -> ((Decomposition<P>) decomposition).withRanks((P) p, ranks));
        } catch (UnsupportedOperationException e) {
            throw new RecipeException(budgetLocation(), e.getMessage(), e);
        } catch (PluginCallException e) {
            if (e.getCause() instanceof UnsupportedOperationException u) {
                throw new RecipeException(budgetLocation(), u.getMessage(), u);
            }
            throw e;
        }
    }

    /**
     * The plugin's factorization; an {@link IllegalArgumentException} from it (the params do not fit this layer,
     * such as a rank above its full rank) is a located error at the decomposition, other failures name the plugin.
     */
    private Factorization decompose(WeightedLayer l, org.nd4j.linalg.api.ndarray.INDArray w, Record p) {
        try {
            return PluginCalls.in(decomposition, () -> call(w, p));
        } catch (PluginCallException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw badInput(l, w, bad);
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw badInput(l, w, e);
        }
    }

    private RecipeException badInput(WeightedLayer l, org.nd4j.linalg.api.ndarray.INDArray w,
                                     IllegalArgumentException e) {
        return new RecipeException(spec.decomposition().location(), "decomposition "
                + Quote.single(decomposition.id()) + " on layer " + Quote.single(l.source()) + " "
                + java.util.Arrays.toString(w.shape()) + ": " + e.getMessage(), e);
    }

    @SuppressWarnings("unchecked")
    private <P extends Record> Factorization call(org.nd4j.linalg.api.ndarray.INDArray w, Record p) {
        return ((Decomposition<P>) decomposition).decompose(w, (P) p);
    }

    /**
     * The selected layers the decomposition's layout takes (Gemm/MatMul for {@code gemm-uv}, 2-d Conv of group 1 for
     * the conv layouts), with float weights of their own; located errors for unmatched patterns or none left.
     */
    List<WeightedLayer> layers(ModelGraph graph) {
        boolean conv = Candidate.conv(decomposition.layout());
        List<WeightedLayer> all = WeightedLayers.stored(graph).stream()
                .filter(l -> conv ? l.kind() == WeightedLayer.Kind.CONV && l.node().intAttr("group", 1) == 1
                        && graph.initializers().get(l.source()).rank() == 4
                        : l.kind() == WeightedLayer.Kind.GEMM || l.kind() == WeightedLayer.Kind.MATMUL)
                .filter(l -> graph.consumers(l.source()).size() == 1)
                .toList();
        List<String> names = all.stream().map(WeightedLayer::source).distinct().toList();
        for (LayerPattern p : spec.layers().unmatched(names)) {
            throw new RecipeException(p.location(), "layers pattern " + Quote.single(p.pattern())
                    + " matches no layer to factorize; factorizable layers: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        List<WeightedLayer> chosen = all.stream().filter(l -> spec.layers().test(l.source())).toList();
        if (chosen.isEmpty()) {
            throw new RecipeException(spec.location(), "factorize: no float " + (conv ? "Conv (2-d, group 1)"
                    : "Gemm or MatMul") + " layer with its own weight for " + Quote.single(decomposition.id())
                    + " to factorize" + (names.isEmpty() ? " in the model" : " after the layers filter"));
        }
        for (RankOverride.Bound o : overrides) {
            if (chosen.stream().noneMatch(l -> o.pattern().matches(l.source())
                    || o.pattern().matches(l.node().name()))) {
                throw new RecipeException(o.pattern().location(), "overrides pattern " + Quote.single(o.pattern()
                        .pattern()) + " names no layer this stage factorizes; layers: " + String.join(", ",
                        chosen.stream().map(WeightedLayer::source).toList()));
            }
        }
        return chosen;
    }

    @Override
    public Object resolvedBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("decomposition", ResolvedBodies.ordered(decomposition.id(), ResolvedBodies.recordToMap(params)));
        Map<String, Object> layers = new LinkedHashMap<>();
        if (!spec.layers().include().isEmpty()) {
            layers.put("include", spec.layers().include().stream().map(LayerPattern::pattern).toList());
        }
        if (!spec.layers().exclude().isEmpty()) {
            layers.put("exclude", spec.layers().exclude().stream().map(LayerPattern::pattern).toList());
        }
        if (!layers.isEmpty()) {
            body.put("layers", layers);
        }
        if (spec.targetMacs() != null) {
            body.put("target-macs", spec.targetMacs().share());
        }
        if (spec.targetLatency() != null) {
            body.put("target-latency", spec.targetLatency().share());
            body.put("latency-batch", spec.targetLatency().batch());
        }
        if (spec.targetMacs() != null || spec.targetLatency() != null) {
            body.put("rank-multiple", spec.targetLatency() != null ? spec.targetLatency().multiple()
                    : spec.targetMacs().multiple());
        }
        if (!overrides.isEmpty()) {
            Map<String, Object> byLayer = new LinkedHashMap<>();
            overrides.forEach(o -> byLayer.put(o.pattern().pattern(), ResolvedBodies.recordToMap(o.params())));
            body.put("overrides", byLayer);
        }
        return body;
    }

    /** The factorized graph, one row per selected layer, and the model's MACs per sample before and after. */
    record Outcome(ModelGraph graph, List<LayerRow> rows, long modelBefore, long modelAfter,
                   LatencyRanks.Plan latency) {
        long factorized() {
            return rows.stream().filter(r -> r.skipped() == null).count();
        }
    }
}
