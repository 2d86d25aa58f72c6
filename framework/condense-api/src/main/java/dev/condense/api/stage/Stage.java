package dev.condense.api.stage;

import dev.condense.api.extension.Extension;
import dev.condense.api.model.ModelGraph;

/**
 * A kind of pipeline step for what the built-in kinds (train, prune, evaluate, export, ...) do not cover.
 *
 * <p>Invariant: {@code apply} never mutates {@code graph} or its arrays; it returns a new graph (or the same one
 * when nothing changes). It is deterministic for a given {@link StageContext#seed()}.
 *
 * @param <P> params record bound from the stage's recipe node
 */
public interface Stage<P extends Record> extends Extension<P> {

    /**
     * Runs the stage.
     *
     * @param graph   the graph the previous stage produced; never mutated
     * @param params  the bound params record
     * @param context the run's context (seed, data set, training, scratch directory, log, report); never null
     * @return a graph that satisfies {@link ModelGraph}'s invariants (built with {@link ModelGraph#toBuilder()}), or
     *         {@code graph} itself when nothing changes
     */
    ModelGraph apply(ModelGraph graph, P params, StageContext context);

    /**
     * Predicts, without running, the graph {@link #apply} will return for {@code graph}: the same node and tensor
     * names and the same shapes (values need not be predicted), so that {@code condense validate} and the checks
     * before a run see the graph the next stages will get. May throw {@link IllegalArgumentException} with a
     * one-line reason when the params cannot apply to {@code graph}. The default says the stage changes no name or
     * shape and returns {@code graph}.
     *
     * @param graph  the graph the previous stages will produce (predicted); never mutated
     * @param params the bound params record
     * @return the predicted graph, or {@code graph} itself
     */
    default ModelGraph preview(ModelGraph graph, P params) {
        return graph;
    }
}
