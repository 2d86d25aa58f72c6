package dev.condense.kernel.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.inject.Guice;
import dev.condense.api.data.Dataset;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.data.PairEncoding;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.nlp.EncoderFiles;
import dev.condense.engine.nlp.PackedInputs;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.tokenize.PairTokenizer;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.inject.KernelConfig;
import dev.condense.kernel.inject.KernelModule;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.RunOptions;
import dev.condense.kernel.run.RunResult;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The text path through the recipe: a classifier over one layer of all-MiniLM-L6-v2 (FFN narrowed to 64 units) on a
 * tiny planted e-SNLI-layout directory trains, is evaluated in ONNX Runtime (accuracy, latency at batch 4) and
 * exported with the model's own int64 inputs (real pairs tokenized into them give the packed path's logits); bad text input (encoding, label, length) is a located error naming file and line, before any work,
 * with nothing written; mismatched model and data are refused at validate.
 */
class TextRecipeRunTest {
    @TempDir
    Path dir;

    private static final String[][] ROWS = {
        {"A man plays a guitar on stage.", "A man is playing music.", "entailment"},
        {"A man plays a guitar on stage.", "A woman is sleeping at home.", "contradiction"},
        {"A man plays a guitar on stage.", "The man is famous.", "neutral"},
        {"Two dogs run across a field.", "Animals are outside.", "entailment"},
        {"Two dogs run across a field.", "The dogs are asleep indoors.", "contradiction"},
        {"Two dogs run across a field.", "The dogs chase a ball.", "neutral"},
        {"A child eats an apple.", "A kid is eating fruit.", "entailment"},
        {"A child eats an apple.", "The child is swimming.", "contradiction"},
        {"A child eats an apple.", "The child is hungry.", "neutral"},
        {"Women sit on a bench.", "People are sitting.", "entailment"},
    };

    private Kernel kernel() throws Exception {
        return Guice.createInjector(new KernelModule(new KernelConfig(Files.createDirectories(dir.resolve("plugins")),
                "0.1.0"))).getInstance(Kernel.class);
    }

    /** An e-SNLI-layout directory: dev 30 rows, test 10 rows (the pool of 40 rows), three explanations each. */
    private Path esnli(String name) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        for (String split : List.of("dev", "test")) {
            int n = split.equals("dev") ? 30 : 10;
            List<List<String>> cols = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < n; i++) {
                String[] r = ROWS[(i + (split.equals("dev") ? 0 : 3)) % ROWS.length];
                cols.get(0).add(r[0]);
                cols.get(1).add(r[1]);
                cols.get(2).add(r[2]);
                cols.get(3).add("because " + r[1].toLowerCase());
            }
            write(d.resolve("s1." + split), cols.get(0));
            write(d.resolve("s2." + split), cols.get(1));
            write(d.resolve("labels." + split), cols.get(2));
            for (int k = 1; k <= 3; k++) {
                write(d.resolve("preproc1_expl_" + k + "." + split), cols.get(3));
            }
        }
        return d;
    }

    private static void write(Path file, List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private Path recipe(String model, String data, String out) throws Exception {
        return Files.writeString(dir.resolve("text.yaml"), """
                recipe: tiny-text
                seed: 3
                model: %s
                data: %s
                stages:
                  - train: {epochs: 1, batch: 8, optimizer: {adam: {lr: 1.0e-4}}}
                  - evaluate: {metrics: [accuracy, size, latency], latency-batches: [4]}
                  - export
                output: {dir: %s}
                """.formatted(model, data, dir.resolve(out)));
    }

    private static final String MODEL = "{encoder: {source: all-minilm-l6-v2, sequence-length: 24, classes: 3, layers: [0],"
            + " intermediate: 64}}";
    private static final String DATA = "{dataset: esnli, validation: 0.2, split-seed: 7}";

    private RunOptions options(Path data) {
        return new RunOptions(data, dir.resolve("cache"), new PrintStream(OutputStream.nullOutputStream()), false, false);
    }

    @Test
    void aTinyTextRecipeTrainsEvaluatesAndExportsAFileOrtRuns() throws Exception {
        Path data = esnli("esnli");
        Kernel kernel = kernel();
        Kernel.Validation v = kernel.validate(recipe(MODEL, DATA, "out"));
        assertEquals(List.of(-1L, 3L, 24L), Stream.of(v.previews().get(0).graph().inputs().get(0).shape()).flatMap(
                s -> java.util.Arrays.stream(s).boxed()).toList());
        RunResult r = kernel.run(recipe(MODEL, DATA, "out"), options(data));
        JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.outputDir().resolve("report.json").toFile());
        assertEquals(24, report.at("/dataset/train_rows").asInt());   // 40 pooled: 8 validation, 8 test, 24 train
        assertEquals(8, report.at("/dataset/test_rows").asInt());
        JsonNode e = report.at("/evaluations/0");
        assertEquals(8, e.at("/test_rows").asInt());
        assertTrue(e.at("/latency_b4_cpu_ms_median").asDouble() > 0, e.toString());
        assertTrue(e.at("/latency_b1_cpu_ms_median").isMissingNode(), e.toString());

        Path onnx = r.outputDir().resolve("model.onnx");
        ModelGraph exported = new OnnxImporter().read(onnx);
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), exported.inputs().stream()
                .map(ValueInfo::name).toList(), "the export takes the model's own inputs");
        assertTrue(exported.inputs().stream().allMatch(i -> i.type() == ValueInfo.ElementType.INT64
                && java.util.Arrays.equals(i.shape(), new long[] {-1, 24})), exported.inputs().toString());
        assertEquals(2, exported.nodes().stream().filter(n -> n.name().endsWith("/intermediate/dense/MatMul")
                || n.name().endsWith("/output/dense/MatMul") && !n.name().contains("attention")).count());
        EncoderFiles files = EncoderFiles.locate(EncoderFiles.MINILM, dir.resolve("cache"));
        Dataset ds = DatasetCatalog.standard().load("esnli", new DataOptions(data, dir.resolve("cache"), 0.2, 0, 0, 7)
                .withText(new PairEncoding(files.tokenizer(), 24, false)));
        assertEquals(e.at("/accuracy").asDouble(), OrtRunner.accuracy(onnx, ds.test(), 8), 1e-12);
        assertTrue(report.toString().contains("input_ids int64 [-1, 24]"), "the export stage reports the inputs");

        // real pairs through the real tokenizer into the exported file's three int64 inputs, against the packed
        // path (the same weights with the packed input, as the stages train and evaluate them) on the same tokens
        PairTokenizer.EncodedPairs pairs;
        try (PairTokenizer tok = PairTokenizer.open(files.tokenizer(), 24)) {
            pairs = tok.encode(Stream.of(ROWS).map(row -> row[0]).toList(), Stream.of(ROWS).map(row -> row[1]).toList(),
                    i -> "row " + i);
        }
        Path packedFile = dir.resolve("packed.onnx");
        new OnnxExporter().write(PackedInputs.pack(exported), packedFile);
        try (OrtRunner byName = new OrtRunner(onnx); OrtRunner packed = new OrtRunner(packedFile)) {
            INDArray logits = byName.runAll(pairs.byName()).get("logits");
            INDArray viaPacked = packed.run(PackedInputs.features(List.of(pairs.inputIds(), pairs.attentionMask(),
                    pairs.tokenTypeIds())));
            assertEquals(List.of((long) ROWS.length, 3L), java.util.Arrays.stream(logits.shape()).boxed().toList());
            assertTrue(logits.equalsWithEps(viaPacked, 1e-5), logits + " vs " + viaPacked);
        }
        JsonNode resolved = new YAMLMapper().readTree(r.outputDir().resolve("recipe.resolved.yaml").toFile());
        assertEquals(64, resolved.at("/model/encoder/intermediate").asInt());
        assertEquals("[4]", resolved.at("/stages/1/evaluate/latency-batches").toString());
    }

    /** Runs the recipe on {@code data}; expects a located error naming {@code where}, and nothing written. */
    private void refused(Path data, String model, String where, String what) throws Exception {
        RecipeException e = assertThrows(RecipeException.class, () -> kernel().run(recipe(model, DATA, "bad"),
                options(data)));
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(what), e.getMessage());
        assertTrue(e.toString().startsWith(dir.resolve("text.yaml").toString()), e.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("bad")), "nothing may be written");
        }
    }

    @Test
    void aTextFileWithAnEncodingErrorNamesFileAndLine() throws Exception {
        Path data = esnli("enc");
        byte[] bytes = Files.readAllBytes(data.resolve("s2.dev"));
        int third = new String(bytes, StandardCharsets.UTF_8).indexOf('\n', new String(bytes, StandardCharsets.UTF_8)
                .indexOf('\n') + 1) + 1;
        bytes[third] = (byte) 0xff;
        Files.write(data.resolve("s2.dev"), bytes);
        refused(data, MODEL, "s2.dev:3", "not UTF-8");
    }

    @Test
    void aLabelOutsideTheLabelSetNamesFileAndLine() throws Exception {
        Path data = esnli("label");
        List<String> labels = new ArrayList<>(Files.readAllLines(data.resolve("labels.test")));
        labels.set(1, "maybe");
        write(data.resolve("labels.test"), labels);
        refused(data, MODEL, "labels.test:2", "label 'maybe' is not one of entailment, neutral, contradiction");
    }

    @Test
    void aPairLongerThanTheSequenceLengthNamesFileAndLineUnlessSkipped() throws Exception {
        Path data = esnli("long");
        List<String> s1 = new ArrayList<>(Files.readAllLines(data.resolve("s1.dev")));
        s1.set(4, "A very long premise about a man who plays a guitar on a large stage in front of many people at"
                + " night.");
        write(data.resolve("s1.dev"), s1);
        refused(data, MODEL, "s1.dev:5", "more than the sequence length 24");
        Path skip = recipe(MODEL, "{dataset: esnli, validation: 0.2, split-seed: 7, long-pairs: skip}", "skipped");
        Kernel kernel = kernel();
        RunResult r = kernel.run(skip, options(data));
        JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.outputDir().resolve("report.json").toFile());
        int rows = report.at("/dataset/train_rows").asInt() + report.at("/dataset/test_rows").asInt();
        assertTrue(rows == 31 || rows == 32, "one of the 40 pooled rows is left out: " + report.at("/dataset"));
    }

    @Test
    void modelAndDataOfDifferentKindsAndBadEncoderKeysAreRefusedAtValidate() throws Exception {
        Kernel kernel = kernel();
        RecipeException zoo = assertThrows(RecipeException.class, () -> kernel.validate(recipe("{zoo: lenet-300-100}",
                DATA, "v")));
        assertTrue(zoo.toString().contains("text.yaml:4:") && zoo.getMessage().contains("needs a text model"), zoo.toString());
        RecipeException mnist = assertThrows(RecipeException.class, () -> kernel.validate(recipe(MODEL,
                "{dataset: mnist}", "v")));
        assertTrue(mnist.getMessage().contains("model.encoder takes sentence pairs"), mnist.toString());
        RecipeException layers = assertThrows(RecipeException.class, () -> kernel.validate(recipe(
                MODEL.replace("layers: [0]", "layers: [2, 6]"), DATA, "v")));
        assertTrue(layers.getMessage().contains("has 6 layers (0 to 5)"), layers.toString());
        RecipeException length = assertThrows(RecipeException.class, () -> kernel.validate(recipe(
                MODEL.replace("sequence-length: 24", "sequence-length: 2"), DATA, "v")));
        assertTrue(length.getMessage().contains("sequence-length must be in [4, 512]"), length.toString());
        RecipeException skip = assertThrows(RecipeException.class, () -> kernel.validate(recipe(MODEL,
                "{dataset: esnli, long-pairs: drop}", "v")));
        assertTrue(skip.getMessage().contains("long-pairs must be one of [error, skip]"), skip.toString());
        RecipeException rationales = assertThrows(RecipeException.class, () -> kernel.validate(recipe(MODEL,
                "{dataset: esnli, rationales: every}", "v")));
        assertTrue(rationales.getMessage().contains("rationales must be one of [first, all]"), rationales.toString());
    }
}
