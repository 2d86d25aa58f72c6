package dev.condense.kernel.stage.prune;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.SparsityRule;
import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Prune with a resolved scorer.
 *
 * <p>Invariants (checked by the planner): {@code scorerParams} is an instance of {@code scorer.paramsType()};
 * the scorer supports {@code granularity}; when the scorer needs data the recipe has a data set.
 *
 * @param scorer       the importance scorer
 * @param scorerParams its params, bound from the recipe
 * @param granularity  what is pruned
 * @param sparsity     per-layer targets
 * @param schedule     one-shot or iterative
 * @param layers       the layers the stage may touch, applied before {@code sparsity} ({@link LayerFilter#ALL} when
 *                     the recipe has no {@code layers} key)
 * @param structured   remove or mask selected units (always MASK for element granularity)
 * @param location     where the stage is written
 */
public record PruneStep(ImportanceScorer<?> scorer, Record scorerParams, Granularity granularity,
                        SparsityRule sparsity, Schedule schedule, LayerFilter layers, Structured structured,
                        Location location)
        implements PlannedStage {

    public PruneStep {
        Objects.requireNonNull(structured, "structured");
        if (granularity == Granularity.ELEMENT && structured == Structured.REMOVE) {
            throw new IllegalArgumentException("element pruning cannot remove units; it masks");
        }
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(sparsity, "sparsity");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(location, "location");
        if (!scorer.paramsType().isInstance(scorerParams)) {
            throw new IllegalArgumentException("params of scorer " + scorer.id() + " must be a "
                    + scorer.paramsType().getSimpleName() + ", was " + scorerParams);
        }
    }

    /** A stage touching every layer (no {@code layers} filter), removing units at unit granularities. */
    public PruneStep(ImportanceScorer<?> scorer, Record scorerParams, Granularity granularity, SparsityRule sparsity,
                     Schedule schedule, Location location) {
        this(scorer, scorerParams, granularity, sparsity, schedule, LayerFilter.ALL,
                granularity == Granularity.ELEMENT ? Structured.MASK : Structured.REMOVE, location);
    }

    /** True when selected units are physically removed (unit granularity, {@code structured: remove}). */
    public boolean removes() {
        return structured == Structured.REMOVE;
    }

    @Override
    public String kind() {
        return "prune";
    }

    /**
     * The target sparsity of {@code layer} in this stage: empty when the layer filter excludes it, else the sparsity
     * rule's (first matching selector, else the default, else empty). The runner prunes exactly the layers for which
     * this is present and above 0.
     */
    public OptionalDouble targetSparsity(String layer) {
        return layers.test(layer) ? sparsity.sparsityFor(layer) : OptionalDouble.empty();
    }

    /**
     * One located error per sparsity selector and per {@code layers} include/exclude pattern that matches none of
     * {@code layerNames} (a typo, almost always), in recipe order: sparsity selectors, then include, then exclude.
     */
    public List<RecipeException> unmatched(Collection<String> layerNames) {
        return unmatched(layerNames, Map.of());
    }

    /**
     * As {@link #unmatched(Collection)}; a selector that matches node names instead of layer names (the names
     * {@code inspect} prints in its first column) says which layer names those nodes have.
     *
     * @param layerByNode node name to layer name ({@link dev.condense.kernel.stage.prune.PrunableLayers#byNode})
     */
    public List<RecipeException> unmatched(Collection<String> layerNames, Map<String, String> layerByNode) {
        List<RecipeException> problems = new ArrayList<>();
        String known = "; layers: " + String.join(", ", layerNames);
        for (SparsityRule.Selector s : sparsity.selectors()) {
            if (layerNames.stream().noneMatch(s::matches)) {
                List<String> nodes = layerByNode.keySet().stream().filter(s::matches).limit(3).toList();
                String hint = nodes.isEmpty() ? "" : "; it names node" + (nodes.size() == 1 ? " " : "s ")
                        + String.join(", ", nodes) + ", whose layer name" + (nodes.size() == 1 ? " is " : "s are ")
                        + String.join(", ", nodes.stream().map(layerByNode::get).toList())
                        + " (condense inspect shows both)";
                problems.add(new RecipeException(s.location(), "selector " + Quote.single(s.selector()) + " matches no prunable layer"
                        + hint + known));
            }
        }
        for (LayerPattern p : layers.unmatched(layerNames)) {
            String list = layers.include().contains(p) ? "include" : "exclude";
            problems.add(new RecipeException(p.location(), "layers " + list + " pattern " + Quote.single(p.pattern())
                    + " matches no prunable layer" + known));
        }
        return problems;
    }

    /** Scores {@code request} with the scorer and its bound params (the cast is safe by the invariant). */
    public INDArray score(ScoringRequest request) {
        return scoreWith(scorer, request);
    }

    /** The scorer's refit of {@code request}'s layer for kept input channels {@code keep}, if it has one. */
    public java.util.Optional<INDArray> refit(ScoringRequest request, long[] keep) {
        return refitWith(scorer, request, keep);
    }

    private <P extends Record> java.util.Optional<INDArray> refitWith(ImportanceScorer<P> s, ScoringRequest request,
                                                                      long[] keep) {
        return s.refit(request, keep, s.paramsType().cast(scorerParams));
    }

    private <P extends Record> INDArray scoreWith(ImportanceScorer<P> s, ScoringRequest request) {
        return s.score(request, s.paramsType().cast(scorerParams));
    }

    /** Checks selectors and targets against {@code graph} and predicts the graph after the stage ({@link PrunePreview}). */
    @Override
    public Preview preview(ModelGraph graph) {
        return PrunePreview.of(this, graph);
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        return PruneExecutor.run(this, graph, run.context());
    }

    @Override
    public Object resolvedBody() {
        return PruneResolved.body(this);
    }
}
