package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.condense.api.data.DataSplit;
import dev.condense.engine.data.DataOptions;
import dev.condense.engine.data.DatasetCatalog;
import dev.condense.engine.runtime.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distill stage through the distribution with the real distill-soft-label plugin zip: a teacher is trained and
 * exported by one run, a second run distills a SNIP-pruned student from the teacher's model.onnx; the student is
 * scored here in ONNX Runtime and the provenance names the teacher by its hash.
 */
class DistillRunTest {
    @TempDir
    static Path dir;
    private static Path teacher;
    private static Cli.Result result;

    private static final String STUDENT = """
            recipe: student
            seed: 3
            model: {zoo: lenet-300-100}
            data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
            stages:
              - prune: {scorer: {snip: {batches: 1, batch-size: 100}}, granularity: element, sparsity: {global: 0.9}}
              - distill:
                  teacher: {file: %s}
                  loss: {soft-label: {temperature: 4, alpha: 0.9}}
                  train: {epochs: 2, batch: 64, optimizer: {adam: {lr: 2.0e-3}}, augment: {shift: 1}}
              - evaluate: {metrics: [accuracy, size]}
              - export
            output: {dir: runs/%s}
            """;

    @BeforeAll
    static void teacherThenStudent() throws Exception {
        Path t = Recipes.write(dir, "teacher.yaml", """
                recipe: teacher
                seed: 2
                model: {zoo: lenet-300-100}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 3, batch: 64, optimizer: {adam: {lr: 2.0e-3}}}
                  - export
                output: {dir: runs/teacher}
                """);
        Cli.Result r = Cli.run(dir, "run", t.toString());
        assertEquals(0, r.exit(), r.all());
        teacher = dir.resolve("runs/teacher/model.onnx");
        Path s = Recipes.write(dir, "student.yaml", STUDENT.formatted("runs/teacher/model.onnx", "student"));
        result = Cli.run(dir, "run", s.toString());
        assertEquals(0, result.exit(), result.all());
    }

    @Test
    void studentRunsInOnnxRuntimeAsReportedAndKeepsItsSparsity() throws Exception {
        Path out = dir.resolve("runs/student");
        DataSplit test = DatasetCatalog.standard().load("mnist", new DataOptions(null, null, 0, 2000, 1000, 0)).test();
        double accuracy = OrtRunner.accuracy(out.resolve("model.onnx"), test, 500);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode eval = report.get("evaluations").get(0);
        assertEquals(eval.get("accuracy").asDouble(), accuracy, 1e-9, "report.json accuracy differs from ONNX Runtime");
        assertTrue(accuracy > 0.75, "distilled student accuracy on 1,000 test images: " + accuracy);
        assertTrue(eval.get("nonzeros").asLong() < 0.11 * report.get("initial").get("nonzeros").asLong(),
                "the distilled student must stay 90% sparse: " + eval);
        JsonNode stage = report.get("stages").get(1);
        assertEquals("distill", stage.get("kind").asText());
        assertEquals("soft-label", stage.get("loss").asText());
    }

    @Test
    void provenanceNamesTheTeacherByHash() throws Exception {
        JsonNode p = new YAMLMapper().readTree(dir.resolve("runs/student/provenance.yaml").toFile());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(teacher)));
        assertEquals(sha, p.get("teachers").get(0).get("sha256").asText());
        assertEquals(2, p.get("teachers").get(0).get("stage").asInt());
        JsonNode resolved = p.get("resolved_recipe").get("stages").get(1).get("distill");
        assertEquals(4.0, resolved.get("loss").get("soft-label").get("temperature").asDouble());
    }

    /** The replay reruns the distillation bit for bit, and refuses to when the teacher's bytes changed. */
    @Test
    void replayReproducesTheStudentAndRefusesAChangedTeacher() throws Exception {
        Path provenance = dir.resolve("runs/student/provenance.yaml");
        Cli.Result replay = Cli.run(dir, "run", "--replay", provenance.toString());
        assertEquals(0, replay.exit(), replay.all());
        assertArrayEquals(Files.readAllBytes(dir.resolve("runs/student/model.onnx")),
                Files.readAllBytes(dir.resolve("runs/student-replay/model.onnx")));
        byte[] original = Files.readAllBytes(teacher);
        try {
            Files.write(teacher, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
            Cli.Result refused = Cli.run(dir, "run", "--replay", provenance.toString());
            assertEquals(2, refused.exit(), refused.all());
            assertTrue(refused.err().contains("teacher") && refused.err().contains("has changed"), refused.all());
        } finally {
            Files.write(teacher, original);
        }
    }

    @Test
    void aTeacherThatIsNotAModelFailsBeforeAnyWorkWithExitTwo() throws Exception {
        Path wrong = Recipes.write(dir, "wrong.yaml", STUDENT.formatted("student.yaml", "wrong"));
        Cli.Result r = Cli.run(dir, "run", wrong.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("wrong.yaml:8:") && r.err().contains("cannot read the teacher"), r.all());
        assertFalse(Files.exists(dir.resolve("runs/wrong")), "nothing may be written for a rejected recipe");
    }
}
