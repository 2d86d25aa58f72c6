package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.data.DataSplit;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose head is {@code log_softmax}, as PyTorch's MNIST example writes it ({@code models/logsoftmax_mlp.onnx},
 * made by {@code models/logsoftmax_mlp.py}: trained, 93.6% test accuracy, output log-probabilities through a
 * LogSoftmax node), through the distribution: as a teacher, its soft targets alone train a student (log-probabilities
 * differ from logits by a per-row shift, which the temperature softmax ignores); as the model of a run, it fine-tunes
 * through SameDiff's LogSoftmax and exports a file ONNX Runtime scores as the report says.
 */
class LogProbabilityModelRunTest {
    static final Path FIXTURE = Path.of("src/test/resources/models/logsoftmax_mlp.onnx").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void itsSoftTargetsAloneTeachAStudent() throws Exception {
        Path recipe = Recipes.write(dir, "student.yaml", """
                recipe: student
                seed: 3
                model: {zoo: lenet-300-100}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - distill:
                      teacher: {file: %s}
                      loss: {soft-label: {temperature: 4, alpha: 1.0}}
                      train: {epochs: 3, batch: 64, optimizer: {adam: {lr: 2.0e-3}}}
                  - evaluate: {metrics: [accuracy]}
                  - export
                output: {dir: runs/student}
                """.formatted(FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        double accuracy = accuracy(dir.resolve("runs/student"));
        assertTrue(accuracy > 0.85, "a student taught by the log-probabilities alone: " + accuracy);
    }

    @Test
    void itFineTunesAndExportsWithItsLogSoftmax() throws Exception {
        Path recipe = Recipes.write(dir, "tune.yaml", """
                recipe: tune
                seed: 3
                model: {file: %s}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 1, batch: 64, optimizer: {adam: {lr: 1.0e-4}}}
                  - evaluate: {metrics: [accuracy]}
                  - export
                output: {dir: runs/tune}
                """.formatted(FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/tune");
        assertTrue(accuracy(out) > 0.9, "fine-tuned from 93.6%: " + accuracy(out));
        assertEquals("LogSoftmax", new OnnxImporter().read(out.resolve("model.onnx")).nodes().stream()
                .reduce((a, b) -> b).orElseThrow().opType());
    }

    /** ONNX Runtime's accuracy of the run's model.onnx on its 1,000 test rows, held equal to report.json's. */
    private static double accuracy(Path out) throws Exception {
        DataSplit test = DatasetCatalog.standard().load("mnist", new DataOptions(null, null, 0, 2000, 1000, 0)).test();
        double accuracy = OrtRunner.accuracy(out.resolve("model.onnx"), test, 500);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(report.get("evaluations").get(0).get("accuracy").asDouble(), accuracy, 1e-9,
                "report.json accuracy differs from ONNX Runtime");
        return accuracy;
    }
}
