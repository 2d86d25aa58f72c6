package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distill stage's layer map through the distribution with the real distill-fitnet, -attention and -pkd plugin
 * zips: validate lists the resolved pairs, bad maps fail with a located line and exit 2 before any work, and a short
 * run reports each term per epoch and exports a model without the learned projections.
 */
class DistillFeaturesRunTest {
    @TempDir
    static Path dir;

    private static final String STUDENT = """
            recipe: student
            seed: 3
            model: {zoo: mlp-800-800}
            data: {dataset: mnist, train-limit: 300, test-limit: 200}
            stages:
              - distill:
                  teacher: {file: runs/teacher/model.onnx}
                  features:
                    - {student: %s, teacher: %s, loss: %s}
                    - {student: 're:fc[12]\\.act', teacher: 're:fc.\\.act', loss: pkd, pick: last, weight: 2}
                  normalize: true
                  train: {epochs: 2, batch: 50, optimizer: {adam: {lr: 1.0e-3}}}
              - export
            output: {dir: runs/student}
            """;

    @BeforeAll
    static void teacher() throws Exception {
        Path t = Recipes.write(dir, "teacher.yaml", """
                recipe: teacher
                seed: 2
                model: {zoo: lenet-300-100}
                data: {dataset: mnist, train-limit: 300, test-limit: 200}
                stages:
                  - train: {epochs: 1, batch: 50, optimizer: {adam: {lr: 2.0e-3}}}
                  - export
                output: {dir: runs/teacher}
                """);
        Cli.Result r = Cli.run(dir, "run", t.toString());
        assertEquals(0, r.exit(), r.all());
    }

    private static Path student(String s, String t, String loss) throws Exception {
        return Recipes.write(dir, "student.yaml", STUDENT.formatted(s, t, loss));
    }

    @Test
    void validateListsThePairsWithShapesAndProjections() throws Exception {
        Cli.Result r = Cli.run(dir, "validate", student("fc1.act", "fc1.act", "fitnet").toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("fc1.act [-1, 800] -> fc1.act [-1, 300] (learned projection 800 -> 300, linear)"),
                r.out());
        assertTrue(r.out().contains("pkd[1], weight 2.0:"), r.out());
        assertTrue(r.out().contains(", cached (computed once per row)"), r.out());
        assertTrue(r.out().contains("fc2.act [-1, 800] -> fc2.act [-1, 100]"), r.out());
    }

    @Test
    void badMapsAreLocatedErrorsBeforeAnyWork() throws Exception {
        Path missing = student("fc1.actt", "fc1.act", "fitnet");
        Cli.Result r = Cli.run(dir, "run", missing.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("student.yaml:9:21: no tensor 'fc1.actt' in the model (did you mean 'fc1.act'?)"),
                r.err());
        assertFalse(r.all().contains("Exception"), r.all());
        assertFalse(Files.exists(dir.resolve("runs/student")), "nothing may be written");
        Cli.Result loss = Cli.run(dir, "validate", student("fc1.act", "fc1.act", "fitnett").toString());
        assertEquals(2, loss.exit(), loss.all());
        assertTrue(loss.err().contains("unknown feature loss 'fitnett' (did you mean 'fitnet'?)"), loss.err());
        Cli.Result teacherName = Cli.run(dir, "validate", student("fc1.act", "fc9.act", "fitnet").toString());
        assertEquals(2, teacherName.exit(), teacherName.all());
        assertTrue(teacherName.err().contains("no tensor 'fc9.act' in the teacher"), teacherName.err());
        Cli.Result attention = Cli.run(dir, "run", student("fc1.act", "fc1.act", "attention").toString());
        assertEquals(2, attention.exit(), attention.all());
        assertTrue(attention.err().contains("student.yaml:9:11: feature loss 'attention' takes tensors of rank 4 "
                + "([N, C, H, W]), but the pair fc1.act [-1, 800] -> fc1.act [-1, 300]"), attention.err());
        assertFalse(Files.exists(dir.resolve("runs/student")), "nothing may be written");
    }

    /**
     * A conv teacher (lenet-5, exported untrained: only shapes matter) whose tapped tensor has another spatial size
     * than the student's: a located error at the teacher pattern, exit 2, before any work.
     */
    @Test
    void aTeacherTensorWithNoSpatialMatchIsALocatedErrorBeforeAnyWork() throws Exception {
        Path t = Recipes.write(dir, "conv-teacher.yaml", """
                recipe: conv-teacher
                model: {zoo: lenet-5}
                stages:
                  - export
                output: {dir: runs/conv-teacher}
                """);
        Cli.Result made = Cli.run(dir, "run", t.toString());
        assertEquals(0, made.exit(), made.all());
        Path p = Recipes.write(dir, "conv-student.yaml", """
                recipe: conv-student
                model: {zoo: lenet-5}
                data: {dataset: mnist, train-limit: 300, test-limit: 200}
                stages:
                  - distill:
                      teacher: {file: runs/conv-teacher/model.onnx}
                      features:
                        - {student: conv1, teacher: pool1, loss: attention}
                      train: {epochs: 1}
                output: {dir: runs/conv-student}
                """);
        Cli.Result r = Cli.run(dir, "run", p.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("conv-student.yaml:8:37: the spatial sizes cannot match: student 'conv1' "
                + "[-1, 20, 24, 24], teacher 'pool1' [-1, 20, 12, 12]; tap a teacher tensor of spatial size 24x24"),
                r.err());
        assertFalse(Files.exists(dir.resolve("runs/conv-student")), "nothing may be written");
    }

    /** The teacher cache stores each row once; augmentation changes the rows: on is a located error. */
    @Test
    void teacherCacheOnWithAugmentationIsALocatedError() throws Exception {
        Path p = Recipes.write(dir, "student.yaml", STUDENT.formatted("fc1.act", "fc1.act", "fitnet")
                .replace("normalize: true", "normalize: true\n      teacher-cache: \"on\"")
                .replace("train: {epochs: 2,", "train: {augment: {shift: 1}, epochs: 2,"));
        String onText = Files.readString(p);
        Cli.Result auto = Cli.run(dir, "validate", Recipes.write(dir, "student.yaml", onText
                .replace("teacher-cache: \"on\"", "teacher-cache: auto")).toString());
        assertEquals(0, auto.exit(), auto.all());
        assertTrue(auto.out().contains(", not cached (augment shift 1 px changes the rows every epoch, so the teacher"
                + " runs on the augmented rows)"), auto.out());
        Path on = Recipes.write(dir, "student.yaml", onText);
        Cli.Result r = Cli.run(dir, "validate", on.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("student.yaml:12:22: teacher-cache on stores each training row's teacher outputs"
                + " once, but train.augment shift 1 px changes the rows every epoch"), r.err());
    }

    @Test
    void aShortRunReportsEachTermPerEpochAndExportsTheStudentOnly() throws Exception {
        Cli.Result r = Cli.run(dir, "run", student("fc1.act", "fc1.act", "fitnet").toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode stage = new ObjectMapper().readTree(dir.resolve("runs/student/report.json").toFile())
                .get("stages").get(0);
        JsonNode terms = stage.get("loss terms per epoch");
        for (String key : new String[] {"logits", "fitnet[0]", "pkd[1]"}) {
            assertEquals(2, terms.get(key).size(), key + " in " + terms);
            assertTrue(terms.get(key).get(0).asDouble() > 0, key + " in " + terms);
        }
        assertEquals(2, stage.get("feature term scales").size(), stage.toString());
        JsonNode cache = stage.get("teacher_cache");
        assertTrue(cache.get("used").asBoolean(), cache.toString());
        assertEquals(300, cache.get("rows_computed").asInt(), cache.toString());
        assertEquals(300L * (10 + 300 + 100) * 4, cache.get("file_bytes").asLong(), cache.toString());
        assertEquals(2, stage.get("epoch_seconds").size(), stage.toString());
        try (var files = Files.list(dir.resolve("runs/student"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("teacher-cache")),
                    "the cache file is deleted");
        }
        String onnx = new String(Files.readAllBytes(dir.resolve("runs/student/model.onnx")),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(onnx.contains("condense.kd"), "a learned projection was exported");
    }
}
