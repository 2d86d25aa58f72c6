package dev.condense.tests;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CI-sized run of the documented recipe shape through the distribution, with its outputs checked independently:
 * the exported model is run by ONNX Runtime here, on raw test pixels, and its weights are counted here.
 */
class QuickRunTest {
    @TempDir
    static Path dir;
    private static Cli.Result result;
    private static Path out;
    private static JsonNode report;

    @BeforeAll
    static void runOnce() throws Exception {
        Path recipe = Recipes.write(dir, "small.yaml", Recipes.small("small", 5000));
        result = Cli.run(dir, "run", recipe.toString());
        out = dir.resolve("runs/small");
        assertEquals(0, result.exit(), result.all());
        report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    }

    @Test
    void writesModelReportsAndResolvedRecipeAndNothingElse() throws Exception {
        for (String f : new String[] {"model.onnx", "report.json", "report.md", "recipe.resolved.yaml"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing; " + result.all());
        }
        try (var s = Files.list(dir.resolve("runs"))) {
            assertEquals(1, s.count(), "temporary directories left behind under runs/");
        }
        JsonNode files = report.get("files");
        assertEquals(Files.size(out.resolve("model.onnx")), files.get("model.onnx").asLong());
        assertEquals(Files.size(out.resolve("report.json")), files.get("report.json").asLong());
        assertEquals(Files.size(out.resolve("report.md")), files.get("report.md").asLong());
    }

    @Test
    void exportedModelScoresInOnnxRuntimeOnRawPixelsAsReported() throws Exception {
        DataSplit test = DatasetCatalog.standard().load("mnist", new DataOptions(null, null, 0, 1000, 2000, 0)).test();
        double accuracy = OrtRunner.accuracy(out.resolve("model.onnx"), test, 500);
        assertTrue(accuracy > 0.80, "accuracy of the pruned model on 2,000 test images: " + accuracy);
        JsonNode last = report.get("evaluations").get(1);
        assertEquals(last.get("accuracy").asDouble(), accuracy, 1e-9, "report.json accuracy differs from ONNX Runtime here");
    }

    @Test
    void exportedWeightsAreNinetyPercentZeroButTheFileIsNotSmaller() throws Exception {
        ModelGraph g = new OnnxImporter().read(out.resolve("model.onnx"));
        ModelStats s = ModelStats.of(g);
        long weights = 0;
        long nonzeroWeights = 0;
        for (var t : s.tensors()) {
            if (t.name().endsWith(".weight")) {
                weights += t.denseParams();
                nonzeroWeights += t.nonzeros();
            }
        }
        assertEquals(266_200, weights);
        assertEquals(0.10, (double) nonzeroWeights / weights, 0.002, "weight density of the exported model");
        assertEquals(s.nonzeros(), report.get("evaluations").get(1).get("nonzeros").asLong());
        JsonNode before = report.get("evaluations").get(0);
        JsonNode after = report.get("evaluations").get(1);
        assertEquals(before.get("onnx_bytes").asLong(), after.get("onnx_bytes").asLong(),
                "a dense ONNX file with zeros must not be reported smaller");
        assertEquals(s.denseParams(), report.get("final").get("dense_params").asLong());
        assertEquals(0, report.get("removed_params").asLong());
        assertTrue(report.get("notes").toString().contains("does not make the file smaller"), report.get("notes").toString());
    }
}
