package dev.condense.api.stage;

import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import java.nio.file.Path;
import java.util.Optional;

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

    /** A scratch directory inside the run's temporary output. */
    Path workDir();

    /** Records a line in the run log (and on the console). */
    void log(String message);

    /** Adds a key/value to this stage's section of the report. Values must be JSON-friendly. */
    void report(String key, Object value);
}
