package dev.condense.api.stage;

import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the kernel offers a stage or an extension while a plan runs. Implementations live in the kernel.
 */
public interface StageContext {

    /** The recipe's seed combined with the stage index: stable across runs of the same recipe. */
    long seed();

    /** The recipe's data set, when the recipe names one. */
    Optional<Dataset> dataset();

    /** Trains {@code graph} on the data set's training split, keeping its masks. */
    TrainResult train(ModelGraph graph, TrainSpec spec);

    /**
     * Gradients of the mean training loss (softmax cross-entropy) with respect to the named initializers, averaged
     * over {@code batches} mini-batches of {@code batchSize} training rows drawn with this stage's seed. Each result
     * has its initializer's shape. Used by data-driven scorers such as SNIP. Needs the data set.
     */
    Map<String, INDArray> gradients(ModelGraph graph, Collection<String> initializers, int batches, int batchSize);

    /**
     * Values of the named tensors (node outputs or the graph input) for {@code rows} training rows drawn with this
     * stage's seed, in inference mode; each {@code [rows, ...]}. Used by scorers such as ThiNet. Needs the data set.
     */
    Map<String, INDArray> activations(ModelGraph graph, Collection<String> tensors, int rows);

    /** A scratch directory inside the run's temporary output. */
    Path workDir();

    /** Records a line in the run log (and on the console). */
    void log(String message);

    /** Adds a key/value to this stage's section of the report. Values must be JSON-friendly. */
    void report(String key, Object value);
}
