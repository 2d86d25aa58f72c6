package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped recipes validate, {@code inspect} prints a zoo model, and a run reads an {@code npy} data set. */
class ZooAndDataTest {

    /**
     * Every shipped recipe, checked by one {@code validate} of them all: it is ok, or it starts from another run's
     * output (a teacher, a trained float model under {@code runs/}), which a fresh installation does not have, and
     * says so with a located error. Anything else (a key, an id, a value, a model file the distribution lacks) fails.
     */
    @Test
    void everyShippedRecipeValidatesOrNamesTheRunItStartsFrom(@TempDir Path dir) throws Exception {
        List<String> recipes = new ArrayList<>();
        try (Stream<Path> files = Files.list(Cli.DIST.resolve("config/recipes"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> recipes.add(f.toString()));
        }
        List<String> args = new ArrayList<>(List.of("validate"));
        args.addAll(recipes);
        Cli.Result r = Cli.run(dir, Map.of(), args.toArray(String[]::new));
        List<String> errors = r.err().lines().filter(l -> l.contains("error:")).toList();
        long ok = r.out().lines().filter(l -> l.matches(".*\\.yaml: ok, recipe '.*")).count();
        for (String e : errors) {
            assertTrue(e.matches(".*\\.yaml: error: .*\\.yaml:\\d+:\\d+: model file not found: .*/runs/[^ ]+/model\\.onnx .*"),
                    "not a missing earlier run: " + e);
        }
        assertEquals(recipes.size(), ok + errors.size(), r.all());
        assertTrue(r.out().contains("checked " + recipes.size() + " recipes: " + ok + " ok, " + errors.size()
                + " with errors"), r.out());
        assertEquals(errors.isEmpty() ? 0 : 2, r.exit(), r.all());
        for (String name : new String[] {"quickstart", "lenet-5", "resnet-fashion", "pytorch-bn-cnn-int8",
                "minilm-esnli-student-2l-step-by-step-chosen", "minilm-esnli-student-2l-step-by-step-int8"}) {
            assertTrue(r.out().contains("ok, recipe '" + name + "'"), name + ": " + r.all());
        }
    }

    /**
     * A row that prunes another recipe's output, or distils from it, says which file is missing, where, and changes
     * nothing.
     */
    @Test
    void rowStartingFromAnotherRunsModelNamesTheMissingFile(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run(dir, Map.of(), "validate", Cli.DIST.resolve("config/recipes/vgg-small-fpgm.yaml").toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("vgg-small-prune.base.yaml:") && r.err().contains("model file not found")
                && r.err().contains("runs/vgg-small-fashion/model.onnx"), r.err());
        Cli.Result snip = Cli.run(dir, Map.of(), "validate", Cli.DIST.resolve("config/recipes/lenet-300-100-snip-98.yaml").toString());
        assertEquals(2, snip.exit(), snip.all());
        assertTrue(snip.err().contains("lenet-300-100-snip-98.yaml:") && snip.err().contains("runs/lenet-300-100-teacher/model.onnx"),
                snip.err());
    }

    @Test
    void inspectPrintsLayersAndTotals(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run(dir, Map.of(), "inspect", "zoo:lenet-5");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("conv2") && r.out().matches("(?s).*\\ntotal\\s+431,082\\s+.*"), r.out());
    }

    /**
     * 64 training and 16 test images of [1,28,28] whose label (0..9) is the brightness of the image. All ten labels
     * occur, since the number of classes of a generic set (max label + 1) must match the model's 10 logits.
     */
    @Test
    void runsOnAnNpyDataSetFromDataDir(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (String part : new String[] {"train", "test"}) {
            int n = part.equals("train") ? 64 : 16;
            byte[] x = new byte[n * 784];
            byte[] y = new byte[n];
            for (int r = 0; r < n; r++) {
                y[r] = (byte) (r % 10);
                java.util.Arrays.fill(x, r * 784, (r + 1) * 784, (byte) (20 + 20 * (r % 10)));
            }
            Files.write(data.resolve("x_" + part + ".npy"), npy("|u1", n + ", 1, 28, 28", x));
            Files.write(data.resolve("y_" + part + ".npy"), npy("|u1", n + ",", y));
        }
        Path recipe = Files.writeString(dir.resolve("npy.yaml"), """
                recipe: npy-run
                seed: 3
                model: {zoo: lenet-300-100}
                data: {dataset: npy, validation: 0.25}
                stages:
                  - train: {epochs: 2, batch: 16}
                  - evaluate: {metrics: [accuracy], batch: 16}
                """);
        Cli.Result r = Cli.run(dir, Map.of(), "run", recipe.toString(), "--data-dir", data.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("runs/npy-run/report.json").toFile());
        assertEquals("npy", report.get("dataset").get("id").asText());
        assertEquals(48, report.get("dataset").get("train_rows").asInt());
        assertEquals(16, report.get("dataset").get("test_rows").asInt());
        Cli.Result missing = Cli.run(dir, Map.of(), "run", recipe.toString());
        assertEquals(1, missing.exit(), missing.all());
        assertTrue(missing.err().contains("--data-dir") && missing.err().contains("x_train.npy"), missing.err());
    }

    private static byte[] npy(String descr, String shape, byte[] payload) {
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        return bb.put(header.toString().getBytes(StandardCharsets.US_ASCII)).put(payload).array();
    }
}
