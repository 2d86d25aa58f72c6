package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.stage.Stage;
import dev.condense.api.stage.StageContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Contract tests for {@link Stage}s: applying a stage never mutates the input graph's arrays, and the same graph,
 * params and seed give the same result.
 *
 * @param <P> the stage's params record
 */
public abstract class StageContract<P extends Record> extends ExtensionContract<Stage<P>> {

    @Override
    protected abstract P params();

    /** The graph to apply the stage to. */
    protected abstract ModelGraph graph();

    /** The context to apply it in; by default a {@link PlantedStageContext} with seed 5 and nothing planted. */
    protected StageContext context() {
        return new PlantedStageContext(5, Map.of());
    }

    @Test
    void applyingDoesNotMutateTheInputGraph() {
        ModelGraph g = graph();
        Map<String, INDArray> before = new LinkedHashMap<>();
        g.initializers().forEach((k, v) -> before.put(k, v.dup()));
        extension().apply(g, params(), context());
        g.initializers().forEach((k, v) -> assertEquals(before.get(k), v, "stage mutated initializer " + k));
    }

    @Test
    void applyingIsDeterministic() {
        ModelGraph a = extension().apply(graph(), params(), context());
        ModelGraph b = extension().apply(graph(), params(), context());
        assertEquals(a.initializers().keySet(), b.initializers().keySet());
        a.initializers().forEach((k, v) -> assertEquals(v, b.initializers().get(k), "initializer " + k + " differs"));
    }
}
