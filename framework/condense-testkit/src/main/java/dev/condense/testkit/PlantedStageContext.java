package dev.condense.testkit;

import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.stage.StageContext;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link StageContext} for unit tests of data-driven extensions: {@link #gradients} and {@link #activations}
 * return planted arrays instead of running the model, and record what was asked for. Asking for a tensor that was
 * not planted fails, as does {@link #train}; there is no data set and no work directory.
 */
public final class PlantedStageContext implements StageContext {
    private final long seed;
    private final Map<String, INDArray> planted;
    /** Every gradients/activations request as {@code kind:tensors:batches:batchSize} or {@code kind:tensors:rows}. */
    public final List<String> requests = new ArrayList<>();
    /** Lines passed to {@link #log}. */
    public final List<String> logged = new ArrayList<>();

    /**
     * @param seed    the stage seed
     * @param planted gradient or activation by tensor name (one map serves both calls)
     */
    public PlantedStageContext(long seed, Map<String, INDArray> planted) {
        this.seed = seed;
        this.planted = Map.copyOf(planted);
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Optional<Dataset> dataset() {
        return Optional.empty();
    }

    @Override
    public TrainResult train(ModelGraph graph, TrainSpec spec) {
        throw new UnsupportedOperationException("PlantedStageContext does not train");
    }

    @Override
    public Map<String, INDArray> gradients(ModelGraph graph, Collection<String> initializers, int batches, int batchSize) {
        requests.add("gradients:" + initializers + ":" + batches + ":" + batchSize);
        return lookup(initializers);
    }

    @Override
    public Map<String, INDArray> activations(ModelGraph graph, Collection<String> tensors, int rows) {
        requests.add("activations:" + tensors + ":" + rows);
        return lookup(tensors);
    }

    private Map<String, INDArray> lookup(Collection<String> names) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String n : names) {
            INDArray a = planted.get(n);
            if (a == null) {
                throw new IllegalArgumentException("nothing planted for '" + n + "'; planted: " + planted.keySet());
            }
            out.put(n, a.dup());
        }
        return out;
    }

    @Override
    public Path workDir() {
        throw new UnsupportedOperationException("PlantedStageContext has no work directory");
    }

    @Override
    public void log(String message) {
        logged.add(message);
    }

    @Override
    public void report(String key, Object value) {
        // tests assert on scores, not on the report
    }
}
