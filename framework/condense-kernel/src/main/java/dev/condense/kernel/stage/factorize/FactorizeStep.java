package dev.condense.kernel.stage.factorize;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.rewrite.GemmFactorization;
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
 * A planned {@code factorize} stage: each selected Gemm/MatMul layer's weight, seen as {@code [out, in]}
 * ({@link GemmFactorization#weight}), is decomposed by the {@link Decomposition} extension into the
 * {@link Factorization#GEMM_UV} factors and the node replaced by two ({@link GemmFactorization#apply}) when that
 * lowers its MACs, {@code r * (in + out) < out * in}; otherwise, or when the weight carries a pruning mask (its
 * factors would be dense), the layer stays and the report says why.
 *
 * <p>Preview decomposes the weights it sees, so with a rank rule the predicted graph has the run's names and
 * shapes; with an energy rule the rank comes from the weights before any earlier training and the run may choose
 * another. Bad input (a decomposition refusing its params on a layer, such as a rank above the layer's full rank; a
 * pattern matching no layer; no factorizable layer) is a located error from the preview, before any work.
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
        Outcome o = factorize(graph);
        List<String> lines = new ArrayList<>();
        lines.add("factorize: " + o.factorized() + " of " + o.rows().size() + " layer"
                + (o.rows().size() == 1 ? "" : "s") + " by " + decomposition.id());
        for (LayerRow r : o.rows()) {
            lines.add("  " + r.describe());
        }
        return new Preview(o.graph(), lines);
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        Outcome o = factorize(graph);
        run.context().log("factorize: " + o.factorized() + " of " + o.rows().size() + " layers by "
                + decomposition.id());
        run.context().report("layers", o.rows().stream().map(LayerRow::toMap).toList());
        run.context().report("factorized", o.factorized());
        run.context().report("macs_before", o.rows().stream().mapToLong(LayerRow::macsBefore).sum());
        run.context().report("macs_after", o.rows().stream().mapToLong(LayerRow::macsAfter).sum());
        return o.graph();
    }

    /** The graph with every worthwhile layer factorized, and a row per selected layer. */
    Outcome factorize(ModelGraph graph) {
        ModelGraph g = graph;
        List<LayerRow> rows = new ArrayList<>();
        for (WeightedLayer l : layers(graph)) {
            var w = GemmFactorization.weight(graph, l.node());
            long out = w.size(0);
            long in = w.size(1);
            if (graph.masks().containsKey(l.source())) {
                rows.add(new LayerRow(l.node().name(), l.source(), out, in, Math.min(out, in), out * in, out * in,
                        "a pruned (masked) weight: its factors would be dense and drop the mask"));
                continue;
            }
            Factorization f = decompose(l, w, paramsFor(l));
            if (!f.layout().equals(Factorization.GEMM_UV) || f.factors().size() != 2) {
                throw new RecipeException(spec.decomposition().location(), "decomposition "
                        + Quote.single(decomposition.id()) + " gave layout " + Quote.single(f.layout())
                        + " for " + Quote.single(l.source()) + "; a Gemm/MatMul layer takes "
                        + Factorization.GEMM_UV);
            }
            long r = f.factors().get(0).size(0);
            long before = out * in;
            long after = GemmFactorization.macsAfter(out, in, r);
            if (after >= before) {
                rows.add(new LayerRow(l.node().name(), l.source(), out, in, r, before, before,
                        "rank " + r + " would need " + after + " MACs per row, not fewer than " + before));
                continue;
            }
            g = GemmFactorization.apply(g, l.node().name(), f.factors().get(0), f.factors().get(1));
            rows.add(new LayerRow(l.node().name(), l.source(), out, in, r, before, after, null));
        }
        return new Outcome(g, rows);
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

    /** The selected Gemm/MatMul layers with float weights; located errors for unmatched patterns or none left. */
    List<WeightedLayer> layers(ModelGraph graph) {
        List<WeightedLayer> all = WeightedLayers.stored(graph).stream()
                .filter(l -> l.kind() == WeightedLayer.Kind.GEMM || l.kind() == WeightedLayer.Kind.MATMUL)
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
            throw new RecipeException(spec.location(), "factorize: no float Gemm or MatMul layer with its own"
                    + " weight to factorize" + (names.isEmpty() ? " in the model" : " after the layers filter"));
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
        if (!overrides.isEmpty()) {
            Map<String, Object> byLayer = new LinkedHashMap<>();
            overrides.forEach(o -> byLayer.put(o.pattern().pattern(), ResolvedBodies.recordToMap(o.params())));
            body.put("overrides", byLayer);
        }
        return body;
    }

    /** The factorized graph and one row per selected layer. */
    record Outcome(ModelGraph graph, List<LayerRow> rows) {
        long factorized() {
            return rows.stream().filter(r -> r.skipped() == null).count();
        }
    }

    /**
     * One selected layer.
     *
     * @param macsBefore MACs per row of the layer, {@code out * in}
     * @param macsAfter  MACs per row of its factors, or {@code macsBefore} when skipped
     * @param skipped    why it was left as it is, or null
     */
    record LayerRow(String node, String weight, long out, long in, long rank, long macsBefore, long macsAfter,
                    String skipped) {

        String describe() {
            return Quote.single(weight) + " [" + out + ", " + in + "] rank " + rank + ": " + (skipped == null
                    ? "MACs " + macsBefore + " -> " + macsAfter : "skipped, " + skipped);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>(ResolvedBodies.ordered("layer", weight, "node", node,
                    "shape", List.of(out, in), "rank", rank, "macs_before", macsBefore, "macs_after", macsAfter));
            if (skipped != null) {
                m.put("skipped", skipped);
            }
            return m;
        }
    }
}
