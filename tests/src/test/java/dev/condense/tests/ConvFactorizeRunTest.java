package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The factorize stage on convolutions through the distribution with the decomp-tucker2, decomp-cp and
 * decomp-separable plugins: a PyTorch export with its BatchNormalization nodes ({@code config/models/bn_cnn.onnx}, Conv with
 * bias -> BN) factorized by Tucker-2 for a MAC budget, fine-tuned and exported, the file running in ONNX Runtime;
 * resnet-20-small's residual stages by Tucker-2 at explicit ranks; LeNet-5's conv2 by CP and vgg-small's convs as
 * separable kernels; and bad input (rank 0, a rank above a kernel's full rank, a selector matching no conv, a
 * separable rewrite of a 1x1 conv) refused before any work.
 */
class ConvFactorizeRunTest {
    @TempDir
    Path dir;

    private JsonNode report(String out) throws Exception {
        return new ObjectMapper().readTree(dir.resolve(out).resolve("report.json").toFile());
    }

    @Test
    void aPytorchExportWithBatchNormFactorizesForAMacBudgetAndRunsInOrt() throws Exception {
        Path recipe = Recipes.write(dir, "bn.yaml", """
                recipe: bn
                seed: 3
                model: {file: %s}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - evaluate: {metrics: [accuracy]}
                  - factorize: {decomposition: {tucker2: {sweeps: 5}}, target-macs: 0.6}
                  - train: {epochs: 1, batch: 64}
                  - evaluate: {metrics: [accuracy]}
                  - export
                output: {dir: runs/bn}
                """.formatted(QuantizeRunTest.FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode report = report("runs/bn");
        JsonNode f = report.get("stages").get(2);
        assertEquals("factorize", f.get("kind").asText(), f.toString());
        assertTrue(f.get("factorized").asInt() >= 1, f.toString());
        assertTrue(f.get("model_macs_after").asDouble() <= 0.6 * f.get("model_macs_before").asDouble(), f.toString());
        double accuracy = report.get("evaluations").get(1).get("accuracy").asDouble();
        assertTrue(accuracy > 0.5, "fine-tuned factorized accuracy " + accuracy);

        Path model = dir.resolve("runs/bn/model.onnx");
        ModelGraph g = new OnnxImporter().read(model);
        assertTrue(g.nodes().stream().anyMatch(n -> n.opType().equals("BatchNormalization")
                        || n.name().endsWith(".out")),
                "the factorized conv's last 1x1 feeds the BN (or BN was folded on import)");
        long cores = g.nodes().stream().map(Node::name).filter(n -> n.endsWith(".core")).count();
        assertEquals(f.get("factorized").asLong(), cores, "one core conv per factorized layer");
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), new long[] {4, 1, 28, 28})
                .castTo(DataType.FLOAT);
        try (OrtRunner ort = new OrtRunner(model, 1)) {
            INDArray y = ort.run(x);
            assertEquals(4, y.size(0));
            assertEquals(10, y.size(1));
        }
    }

    /** The same PyTorch export by CP (every 3x3 conv), straight to export: the file runs in ONNX Runtime. */
    /**
     * The PyTorch export's second conv (8 -> 16 channels) by Tucker-2 at ranks (8, 8): the input mode at its full
     * rank folds into the core, so the layer becomes two convs (core, then the 1x1 out feeding the BN), no ".in".
     */
    @Test
    void aPytorchExportFoldsAFullRankTuckerFactorIntoTheCore() throws Exception {
        Path recipe = Recipes.write(dir, "bn-fold.yaml", """
                recipe: bn-fold
                seed: 3
                model: {file: %s}
                stages:
                  - factorize: {decomposition: {tucker2: {rank-in: 8, rank-out: 8, sweeps: 3}}, layers: {include:\
                 [4.weight]}}
                  - export
                output: {dir: runs/bn-fold}
                """.formatted(QuantizeRunTest.FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        assertEquals(1, report("runs/bn-fold").get("stages").get(0).get("factorized").asInt());
        ModelGraph g = new OnnxImporter().read(dir.resolve("runs/bn-fold/model.onnx"));
        List<String> names = g.nodes().stream().map(Node::name).toList();
        assertEquals(1, names.stream().filter(n -> n.endsWith(".core")).count(), names.toString());
        assertEquals(1, names.stream().filter(n -> n.endsWith(".out")).count(), names.toString());
        assertEquals(0, names.stream().filter(n -> n.endsWith(".in")).count(), "folded: " + names);
        assertTrue(g.nodes().stream().anyMatch(n -> n.opType().equals("BatchNormalization")), names.toString());
        try (OrtRunner ort = new OrtRunner(dir.resolve("runs/bn-fold/model.onnx"), 1)) {
            INDArray y = ort.run(Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), new long[] {4, 1, 28, 28})
                    .castTo(DataType.FLOAT));
            assertEquals(10, y.size(1));
        }
    }

    /**
     * The PyTorch export under a latency budget: the search times whole models in ONNX Runtime, and whatever it
     * reaches (on this small CNN no smaller form of its one 8 -> 16 conv saves 1% of the time, so it keeps the model
     * dense) the run ends, reports the budget and its measurement, and the exported file runs.
     */
    @Test
    void aPytorchExportUnderALatencyBudgetIsTimedAndReported() throws Exception {
        Path recipe = Recipes.write(dir, "bn-latency.yaml", """
                recipe: bn-latency
                seed: 3
                model: {file: %s}
                stages:
                  - factorize: {decomposition: {tucker2: {sweeps: 3}}, target-latency: 0.95, latency-batch: 32}
                  - export
                output: {dir: runs/bn-latency}
                """.formatted(QuantizeRunTest.FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode f = report("runs/bn-latency").get("stages").get(0);
        assertEquals(0.95, f.get("target_latency").asDouble(), 1e-12, f.toString());
        assertTrue(f.get("target_latency_met").isBoolean() && f.get("measured_speedup").asDouble() > 0
                && f.get("search_timings").asInt() >= 1, f.toString());
        assertEquals(f.get("target_latency_met").asBoolean(), !r.out().contains("WARNING target-latency"), r.out());
        try (OrtRunner ort = new OrtRunner(dir.resolve("runs/bn-latency/model.onnx"), 1)) {
            INDArray y = ort.run(Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), new long[] {4, 1, 28, 28})
                    .castTo(DataType.FLOAT));
            assertEquals(10, y.size(1));
        }
    }

    @Test
    void aPytorchExportWithBatchNormFactorizesByCpAndRunsInOrt() throws Exception {
        Path recipe = Recipes.write(dir, "bn-cp.yaml", """
                recipe: bn-cp
                seed: 3
                model: {file: %s}
                stages:
                  - factorize: {decomposition: {cp: {rank: 8, sweeps: 20}}}
                  - export
                output: {dir: runs/bn-cp}
                """.formatted(QuantizeRunTest.FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode f = report("runs/bn-cp").get("stages").get(0);
        assertTrue(f.get("factorized").asInt() >= 1, f.toString());
        ModelGraph g = new OnnxImporter().read(dir.resolve("runs/bn-cp/model.onnx"));
        long depthwise = g.nodes().stream().filter(n -> n.opType().equals("Conv") && n.intAttr("group", 1) > 1).count();
        assertEquals(f.get("factorized").asLong() * 2, depthwise, "two depthwise convs per factorized layer");
        try (OrtRunner ort = new OrtRunner(dir.resolve("runs/bn-cp/model.onnx"), 1)) {
            INDArray y = ort.run(Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(9), new long[] {4, 1, 28, 28})
                    .castTo(DataType.FLOAT));
            assertEquals(4, y.size(0));
            assertEquals(10, y.size(1));
        }
    }

    @Test
    void resnet20SmallResidualStagesFactorizeExportAndRunInOrt() throws Exception {
        Path recipe = Recipes.write(dir, "res.yaml", """
                recipe: res
                seed: 3
                model: {zoo: resnet-20-small}
                stages:
                  - factorize:
                      decomposition: {tucker2: {rank-in: 8, rank-out: 8, sweeps: 3}}
                      layers: {include: ["re:s[23]\\\\.b.\\\\.conv[12]\\\\.weight"]}
                  - export
                output: {dir: runs/res}
                """);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode f = report("runs/res").get("stages").get(0);
        assertEquals(12, f.get("layers").size(), f.toString());
        assertTrue(f.get("factorized").asInt() >= 6, f.toString());
        Path model = dir.resolve("runs/res/model.onnx");
        try (OrtRunner ort = new OrtRunner(model, 1)) {
            INDArray y = ort.run(Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(2), new long[] {2, 1, 28, 28})
                    .castTo(DataType.FLOAT));
            assertEquals(10, y.size(1));
        }
    }

    @Test
    void lenet5Conv2ByCpAndVggSmallAsSeparableKernelsExportAndRunInOrt() throws Exception {
        Path recipe = Recipes.write(dir, "cp.yaml", """
                recipe: cp
                seed: 3
                model: {zoo: lenet-5}
                stages:
                  - factorize: {decomposition: {cp: {rank: 12, sweeps: 20}}, layers: {include: [conv2.weight]}}
                  - export
                output: {dir: runs/cp}
                """);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode f = report("runs/cp").get("stages").get(0);
        assertEquals(1, f.get("factorized").asInt(), f.toString());
        assertEquals(12, f.get("layers").get(0).get("rank").asInt(), f.toString());
        ModelGraph g = new OnnxImporter().read(dir.resolve("runs/cp/model.onnx"));
        assertEquals(12L, g.nodes().stream().filter(n -> n.name().equals("conv2.v")).findFirst().orElseThrow()
                .intAttr("group", 1), "the kh x 1 conv is depthwise");

        Path sep = Recipes.write(dir, "sep.yaml", """
                recipe: sep
                seed: 3
                model: {zoo: vgg-small}
                stages:
                  - factorize: {decomposition: {separable: {rank: 8}}, layers: {exclude: [b1.conv1.weight]}}
                  - export
                output: {dir: runs/sep}
                """);
        Cli.Result s = Cli.run(dir, "run", sep.toString());
        assertEquals(0, s.exit(), s.all());
        assertEquals(3, report("runs/sep").get("stages").get(0).get("factorized").asInt());
        for (String out : new String[] {"runs/cp", "runs/sep"}) {
            try (OrtRunner ort = new OrtRunner(dir.resolve(out).resolve("model.onnx"), 1)) {
                INDArray y = ort.run(Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(2),
                        new long[] {2, 1, 28, 28}).castTo(DataType.FLOAT));
                assertEquals(10, y.size(1), out);
            }
        }
    }

    @Test
    void aSeparableRewriteOfAOneByOneConvIsRefusedBeforeAnyWork() throws Exception {
        Path recipe = Recipes.write(dir, "down.yaml", """
                recipe: down
                model: {zoo: resnet-20-small}
                stages:
                  - factorize: {decomposition: {separable: {rank: 2}}, layers: {include: [s2.b1.down.weight]}}
                  - export
                output: {dir: runs/down}
                """);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("down.yaml:4:") && r.err().contains("'s2.b1.down.weight' [16, 8, 1, 1]: a 1x1"
                + " kernel"), r.err());
        assertFalse(r.all().contains("\tat "), r.all());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing written");
    }

    @Test
    void badRanksAndSelectorsAreRefusedBeforeAnyWork() throws Exception {
        String recipe = """
                recipe: bad
                model: {zoo: vgg-small}
                stages:
                  - factorize: {decomposition: {tucker2: %s}, layers: {include: [%s]}}
                  - export
                output: {dir: runs/bad}
                """;
        Cli.Result zero = Cli.run(dir, "run", Recipes.write(dir, "zero.yaml",
                recipe.formatted("{rank-in: 0, rank-out: 4}", "b2.conv1.weight")).toString());
        assertEquals(2, zero.exit(), zero.all());
        assertTrue(zero.err().contains("zero.yaml:4:") && zero.err().contains("ranks must be >= 1"), zero.err());
        Cli.Result high = Cli.run(dir, "run", Recipes.write(dir, "high.yaml",
                recipe.formatted("{rank-in: 40, rank-out: 4}", "b2.conv1.weight")).toString());
        assertEquals(2, high.exit(), high.all());
        assertTrue(high.err().contains("high.yaml:4:") && high.err().contains("'b2.conv1.weight' [32, 32, 3, 3]:"
                + " rank-in 40 / rank-out 4 exceed the full ranks 32 / 32"), high.err());
        Cli.Result fc = Cli.run(dir, "run", Recipes.write(dir, "fc.yaml",
                recipe.formatted("{vbmf: true}", "fc.weight")).toString());
        assertEquals(2, fc.exit(), fc.all());
        assertTrue(fc.err().contains("fc.yaml:4:") && fc.err().contains("'fc.weight' matches no layer to"
                + " factorize"), fc.err());
        String cp = recipe.replace("{tucker2: %s}", "{cp: %s}");
        Cli.Result cpZero = Cli.run(dir, "run", Recipes.write(dir, "cp-zero.yaml",
                cp.formatted("{rank: 0}", "b2.conv1.weight")).toString());
        assertEquals(2, cpZero.exit(), cpZero.all());
        assertTrue(cpZero.err().contains("cp-zero.yaml:4:") && cpZero.err().contains("rank must be given and >= 1,"
                + " was 0"), cpZero.err());
        Cli.Result cpHigh = Cli.run(dir, "run", Recipes.write(dir, "cp-high.yaml",
                cp.formatted("{rank: 300}", "b2.conv1.weight")).toString());
        assertEquals(2, cpHigh.exit(), cpHigh.all());
        assertTrue(cpHigh.err().contains("cp-high.yaml:4:") && cpHigh.err().contains("'b2.conv1.weight'")
                && cpHigh.err().contains("rank 300 exceeds 288"), cpHigh.err());
        for (Cli.Result x : new Cli.Result[] {zero, high, fc, cpZero, cpHigh}) {
            assertFalse(x.all().contains("\tat "), x.all());
        }
        assertFalse(Files.exists(dir.resolve("runs")), "nothing written");
    }
}
