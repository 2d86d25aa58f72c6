package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The factorize stage through the distribution with the decomp-svd plugin (LAPACK from the plugin's class loader):
 * LeNet-300-100 (seeded, untrained) with fc1 and fc2 at rank 32 and fc3 at rank 10, which would not lower its MACs
 * and is skipped. The report's MACs per layer, the exported two-Gemm model in ONNX Runtime against the same network
 * whose weights are the products {@code U V}, and a rank above a layer's full rank refused before any work.
 */
class FactorizeRunTest {
    private static final String RECIPE = """
            recipe: svd
            seed: 3
            model: {zoo: lenet-300-100}
            stages:
              - factorize: {decomposition: {svd: {rank: %d}}, layers: {include: [%s]}}
              - factorize: {decomposition: {svd: {rank: 10}}, layers: {include: [fc3.weight]}}
              - export
            output: {dir: runs/svd}
            """;

    @TempDir
    Path dir;

    @Test
    void lenet300100FactorizesAndTheExportedModelEqualsTheProductOfTheFactors() throws Exception {
        Path recipe = Recipes.write(dir, "svd.yaml", RECIPE.formatted(32, "fc1.weight, fc2.weight"));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/svd");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode first = report.get("stages").get(0);
        assertEquals(2, first.get("factorized").asInt());
        assertEquals(235_200, first.get("layers").get(0).get("macs_before").asLong());
        assertEquals(32L * (784 + 300), first.get("layers").get(0).get("macs_after").asLong());
        assertEquals(32L * (300 + 100), first.get("layers").get(1).get("macs_after").asLong());
        JsonNode skip = report.get("stages").get(1);
        assertEquals(0, skip.get("factorized").asInt());
        assertTrue(skip.get("layers").get(0).get("skipped").asText().contains("1100 MACs per sample, not fewer than 1000"),
                skip.toString());

        ModelGraph f = new OnnxImporter().read(out.resolve("model.onnx"));
        ModelGraph original = Zoo.build("lenet-300-100", 3);
        ModelGraph.Builder product = original.toBuilder();
        for (String layer : List.of("fc1", "fc2")) {
            INDArray uv = f.initializers().get(layer + ".u.weight").mmul(f.initializers().get(layer + ".v.weight"));
            INDArray w = original.initializers().get(layer + ".weight");
            double rel = uv.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
            assertTrue(rel > 0 && rel < 1, layer + ": a rank-32 approximation of the seeded weight, relative error "
                    + rel);
            product.initializer(layer + ".weight", uv);
        }
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), new long[] {16, 1, 28, 28})
                .castTo(DataType.FLOAT);
        Path reference = dir.resolve("product.onnx");
        new OnnxExporter().write(product.build(), reference);
        INDArray expected;
        INDArray actual;
        try (OrtRunner a = new OrtRunner(reference, 1); OrtRunner b = new OrtRunner(out.resolve("model.onnx"), 1)) {
            expected = a.run(x);
            actual = b.run(x);
        }
        double diff = actual.sub(expected).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4 * Math.max(1, expected.amaxNumber().doubleValue()), "max |difference| " + diff);
    }

    @Test
    void aRankAboveALayersFullRankIsRefusedBeforeAnyWork() throws Exception {
        Path recipe = Recipes.write(dir, "svd.yaml", RECIPE.formatted(200, "fc2.weight"));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("svd.yaml:5:33"), r.err());
        assertTrue(r.err().contains("'fc2.weight' [100, 300]: rank 200 exceeds the full rank min(out, in) = 100"),
                r.err());
        assertFalse(r.all().contains("\tat "), r.all());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing written");

        Path override = Recipes.write(dir, "override.yaml", RECIPE.formatted(16, "fc2.weight")
                .replace("include: [fc2.weight]}", "include: [fc2.weight]}, overrides: {fc2.weight: {rank: 0}}"));
        Cli.Result o = Cli.run(dir, "run", override.toString());
        assertEquals(2, o.exit(), o.all());
        assertTrue(o.err().contains("override.yaml:5:") && o.err().contains("rank must be >= 1, was 0"), o.err());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing written");
    }

    /** The decomp-als plugin through the same stage: ridge ALS factors of fc1, exported as two Gemms. */
    @Test
    void regularizedAlsFactorizesThroughTheSameStage() throws Exception {
        Path recipe = Recipes.write(dir, "als.yaml", """
                recipe: als
                seed: 3
                model: {zoo: lenet-300-100}
                stages:
                  - factorize: {decomposition: {als: {rank: 16, lambda: 0.01, iterations: 20}}, layers: {include: [fc1.weight]}}
                  - export
                output: {dir: runs/als}
                """);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("runs/als/report.json").toFile());
        JsonNode stage = report.get("stages").get(0);
        assertEquals(1, stage.get("factorized").asInt(), stage.toString());
        assertEquals(16L * (784 + 300), stage.get("layers").get(0).get("macs_after").asLong());
        ModelGraph f = new OnnxImporter().read(dir.resolve("runs/als/model.onnx"));
        INDArray uv = f.initializers().get("fc1.u.weight").mmul(f.initializers().get("fc1.v.weight"));
        INDArray w = Zoo.build("lenet-300-100", 3).initializers().get("fc1.weight");
        double rel = uv.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
        assertTrue(rel > 0 && rel < 1, "a rank-16 approximation of the seeded weight, relative error " + rel);
        Cli.Result info = Cli.run(dir, "plugins", "info", "als");
        assertEquals(0, info.exit(), info.all());
        assertTrue(info.out().contains("Hastie"), info.out());
    }

    /**
     * als with a whole-model MAC budget: the budget's ranks replace the recipe's placeholder rank (lambda and
     * iterations kept), and the factorized model's MACs per sample are within the budget.
     */
    @Test
    void regularizedAlsTakesItsRanksFromAMacBudget() throws Exception {
        Path recipe = Recipes.write(dir, "als-macs.yaml", """
                recipe: als-macs
                seed: 3
                model: {zoo: lenet-300-100}
                stages:
                  - factorize:
                      decomposition: {als: {rank: 1, lambda: 0.01, iterations: 10}}
                      layers: {include: [fc1.weight, fc2.weight]}
                      target-macs: 0.4
                  - export
                output: {dir: runs/als-macs}
                """);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode stage = new ObjectMapper().readTree(dir.resolve("runs/als-macs/report.json").toFile())
                .get("stages").get(0);
        assertEquals(2, stage.get("factorized").asInt(), stage.toString());
        for (JsonNode layer : stage.get("layers")) {
            assertTrue(layer.get("rank").asInt() > 1, "the budget's rank, not the placeholder: " + layer);
        }
        double share = stage.get("model_macs_after").asDouble() / stage.get("model_macs_before").asDouble();
        assertTrue(share <= 0.4 && share > 0.3, "model MACs after / before " + share + ", target 0.4");
        ModelGraph f = new OnnxImporter().read(dir.resolve("runs/als-macs/model.onnx"));
        assertTrue(f.initializers().containsKey("fc1.u.weight") && f.initializers().containsKey("fc2.u.weight"));
    }
}
