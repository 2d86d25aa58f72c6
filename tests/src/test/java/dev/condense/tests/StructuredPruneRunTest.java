package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.stats.ModelStats;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured removal through the distribution: neurons of LeNet-300-100 removed with the real magnitude plugin, the
 * exported model.onnx read back here has the smaller shapes, runs in ONNX Runtime with the reported accuracy, and
 * the report's removed_params, file bytes and per-layer table agree with what is on disk.
 */
class StructuredPruneRunTest {
    @TempDir
    Path dir;

    @Test
    void neuronPruningShrinksTheExportedModel() throws Exception {
        Path recipe = Recipes.write(dir, "neurons.yaml", """
                recipe: neurons
                seed: 3
                model: {zoo: lenet-300-100}
                data: {dataset: mnist, train-limit: 1000, test-limit: 500}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - evaluate: {metrics: [accuracy, size]}
                  - prune: {scorer: magnitude, granularity: neuron, sparsity: {global: 0.5, floor: 0.3}}
                  - evaluate: {metrics: [accuracy, size]}
                  - export
                output: {dir: runs/neurons}
                """);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/neurons");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        ModelGraph g = new OnnxImporter().read(out.resolve("model.onnx"));
        long fc1 = g.initializers().get("fc1.weight").size(0);
        long fc2 = g.initializers().get("fc2.weight").size(0);
        assertEquals(200, fc1 + fc2, "half of the 400 hidden neurons removed");
        assertArrayEquals(new long[] {fc2, fc1}, g.initializers().get("fc2.weight").shape());
        assertArrayEquals(new long[] {10, fc2}, g.initializers().get("fc3.weight").shape());
        long params = ModelStats.of(g).denseParams();
        assertEquals(266_612, report.get("initial").get("dense_params").asLong());
        assertEquals(266_612 - params, report.get("removed_params").asLong());
        JsonNode before = report.get("evaluations").get(0);
        JsonNode after = report.get("evaluations").get(1);
        // 200 of 400 hidden neurons take their rows and the next layer's columns: about 48% of the parameters go
        assertTrue(after.get("onnx_bytes").asLong() < before.get("onnx_bytes").asLong() * 0.6, after.toString());
        JsonNode layers = report.get("stages").get(2).get("layers");
        assertEquals("[300, 784]", layers.get(0).get("shape_before").asText());
        assertEquals(fc1 * 784, layers.get(0).get("macs_after").asLong());
        DataSplit test = DatasetCatalog.standard().load("mnist", new DataOptions(null, null, 0, 1000, 500, 0)).test();
        assertEquals(after.get("accuracy").asDouble(), OrtRunner.accuracy(out.resolve("model.onnx"), test, 250), 1e-9);
        assertTrue(report.get("notes").toString().contains("physically removed"), report.get("notes").toString());
        assertTrue(Files.size(out.resolve("model.onnx")) < before.get("onnx_bytes").asLong() * 0.6);
    }
}
