package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deep Compression through the distribution (issue 15) on a model exported by PyTorch ({@code config/models/bn_cnn.onnx},
 * BatchNormalization kept): prune, cluster with shared-weight fine-tuning, encode into model.cz, evaluate the decoded
 * model; then {@code condense decode} and {@code condense inspect} on the container, and damaged containers refused
 * with exit 2 and nothing written. One run for all tests (it trains).
 */
class DeepCompressionRunTest {
    @TempDir
    static Path dir;
    static Path out;
    static JsonNode report;

    @BeforeAll
    static void run() throws Exception {
        Path recipe = Recipes.write(dir, "dc.yaml", """
                recipe: dc
                seed: 3
                model: {file: %s}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - prune: {scorer: magnitude, sparsity: {default: 0.8}}
                  - cluster: {bits: 4, finetune: {epochs: 1, batch: 64, optimizer: {adam: {lr: 1.0e-4}}}}
                  - evaluate: {metrics: [accuracy, size]}
                  - encode
                  - evaluate: {metrics: [accuracy, size]}
                  - encode: {codebook: float16}
                  - evaluate: {metrics: [accuracy]}
                output: {dir: runs/dc}
                """.formatted(QuantizeRunTest.FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        out = dir.resolve("runs/dc");
        report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    }

    @Test
    void theDecodedModelIsTheClusteredOneAndTheContainerIsSmall() throws Exception {
        JsonNode encode = report.get("stages").get(4);
        assertEquals("encode", encode.get("kind").asText());
        assertEquals("float32", encode.get("codebook").asText());
        assertEquals(3, encode.get("coded_layers").asInt(), "two convolutions and the Gemm");
        assertTrue(encode.get("compression").asDouble() > 5,
                "dense float32 over model.cz (5k parameters: the graph and the float biases weigh): " + encode);
        JsonNode clustered = report.get("evaluations").get(0);
        JsonNode decoded = report.get("evaluations").get(1);
        assertEquals(clustered.get("accuracy").asDouble(), decoded.get("accuracy").asDouble(),
                "the same weights, decoded from model.cz");
        assertTrue(Files.readString(out.resolve("report.md")).contains("storage (Deep Compression)"));
    }

    /** The second encode stores float16 centroids: 2 bytes less per centroid, the same entries, a version-2 file. */
    @Test
    void float16CodebooksMakeTheContainerSmallerAndChangeAccuracyLittle() throws Exception {
        JsonNode f32 = report.get("stages").get(4);
        JsonNode f16 = report.get("stages").get(6);
        assertEquals("float16", f16.get("codebook").asText());
        assertEquals(Files.size(out.resolve("model.cz")), f16.get("cz_bytes").asLong(), "the last encode's file");
        long centroids = 0;
        for (JsonNode row : f32.get("storage")) {
            if (!row.get("layer").asText().startsWith("total")) {
                centroids += (1L << row.get("weight_bits").asInt()) - 1; // 4 bits: 15 non-zero centroids at most
            }
        }
        long saved = f32.get("cz_bytes").asLong() - f16.get("cz_bytes").asLong();
        assertTrue(saved > 0 && saved <= 2 * centroids, "saved " + saved + " B of at most " + centroids + " centroids");
        byte[] head = Files.readAllBytes(out.resolve("model.cz"));
        assertEquals(2, head[5], "a container with float16 centroids is version 2");
        double before = report.get("evaluations").get(1).get("accuracy").asDouble();
        double after = report.get("evaluations").get(2).get("accuracy").asDouble();
        assertEquals(before, after, 0.005, "centroids rounded to float16 change accuracy little");
    }

    @Test
    void decodeRestoresAnOnnxModelWithSharedWeights() throws Exception {
        Cli.Result r = Cli.run(dir, "decode", out.resolve("model.cz").toString(), "-o", "decoded.onnx");
        assertEquals(0, r.exit(), r.all());
        ModelGraph g = new OnnxImporter().read(dir.resolve("decoded.onnx"));
        for (String w : g.initializers().keySet()) {
            if (g.consumers(w).stream().anyMatch(n -> n.opType().equals("Conv") && n.inputs().get(1).equals(w))) {
                long distinct = Arrays.stream(g.initializers().get(w).data().asDouble()).distinct().count();
                assertTrue(distinct <= 16, w + ": " + distinct + " values with 4 bits (15 shared and the zero)");
            }
        }
        Cli.Result inspect = Cli.run(dir, "inspect", out.resolve("model.cz").toString());
        assertEquals(0, inspect.exit(), inspect.all());
        assertTrue(inspect.out().contains("SHA-256 verified") && inspect.out().contains("Huffman coding saves"),
                inspect.out());
    }

    @Test
    void aDamagedContainerIsRefusedAndNothingIsWritten() throws Exception {
        byte[] good = Files.readAllBytes(out.resolve("model.cz"));
        byte[] changed = good.clone();
        changed[good.length / 2] ^= 0x01;
        Files.write(dir.resolve("changed.cz"), changed);
        Files.write(dir.resolve("truncated.cz"), Arrays.copyOf(good, good.length - 100));
        for (String bad : new String[] {"changed.cz", "truncated.cz"}) {
            Cli.Result r = Cli.run(dir, "decode", bad, "-o", bad + ".onnx");
            assertEquals(2, r.exit(), r.all());
            assertTrue(r.err().contains("invalid container") && r.err().contains(bad), r.err());
            assertFalse(Files.exists(dir.resolve(bad + ".onnx")), "nothing written for " + bad);
        }
    }
}
