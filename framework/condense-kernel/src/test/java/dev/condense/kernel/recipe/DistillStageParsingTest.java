package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.distill.DistillKind;
import dev.condense.kernel.stage.distill.DistillStageSpec;
import dev.condense.kernel.stage.distill.TeacherCacheMode;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code distill: {teacher, loss, train}}: what is read, what defaults, and where errors point. */
class DistillStageParsingTest {
    @TempDir
    Path dir;

    @BeforeEach
    void teacherFile() throws Exception {
        Files.writeString(dir.resolve("teacher.onnx"), "not read by the loader");
    }

    private Path recipe(String distill) {
        return write(dir, "r.yaml", "recipe: r\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n"
                + "  - distill: " + distill + "\n");
    }

    private DistillStageSpec parse(String distill) {
        return assertInstanceOf(DistillStageSpec.class, RecipeLoader.load(recipe(distill)).stages().get(0));
    }

    @Test
    void readsTeacherLossAndTrainingAndResolvesTheTeacherAgainstTheRecipe() {
        DistillStageSpec d = parse("{teacher: {file: teacher.onnx}, loss: {soft-label: {temperature: 2}}, "
                + "train: {epochs: 3, augment: {shift: 1}}}");
        assertEquals(dir.resolve("teacher.onnx").normalize(), d.teacher().modelFile().orElseThrow());
        assertEquals("soft-label", d.loss().id());
        assertEquals(3, d.train().epochs());
        assertEquals(1, d.train().augment().shift());
        assertEquals(5, d.teacherLocation().line());
    }

    @Test
    void lossDefaultsToSoftLabel() {
        assertEquals(DistillKind.DEFAULT_LOSS, parse("{teacher: {file: teacher.onnx}, train: {epochs: 1}}").loss().id());
    }

    @Test
    void missingTeacherFileIsLocatedAtTheFile() {
        Path f = recipe("{teacher: {file: gone.onnx}, train: {epochs: 1}}");
        assertError(() -> RecipeLoader.load(f), f, 5, 31, "model file not found", "gone.onnx");
    }

    @Test
    void zooTeacherIsRejectedBecauseItIsUntrained() {
        Path f = recipe("{teacher: {zoo: lenet-5}, train: {epochs: 1}}");
        assertError(() -> RecipeLoader.load(f), f, 5, 30, "a teacher must be a trained model file");
    }

    @Test
    void missingTrainAndUnknownKeysAreLocated() {
        Path noTrain = recipe("{teacher: {file: teacher.onnx}}");
        assertError(() -> RecipeLoader.load(noTrain), noTrain, 5, 5, "train");
        Path typo = recipe("{teacher: {file: teacher.onnx}, trian: {epochs: 1}}");
        assertError(() -> RecipeLoader.load(typo), typo, 5, 46, "trian");
    }

    @Test
    void teacherCacheDefaultsToAutoAndReadsOnOffAndBooleans() {
        assertEquals(TeacherCacheMode.AUTO, parse("{teacher: {file: teacher.onnx}, train: {epochs: 1}}").teacherCache());
        assertEquals(TeacherCacheMode.ON,
                parse("{teacher: {file: teacher.onnx}, teacher-cache: \"on\", train: {epochs: 1}}").teacherCache());
        assertEquals(TeacherCacheMode.OFF,
                parse("{teacher: {file: teacher.onnx}, teacher-cache: \"off\", train: {epochs: 1}}").teacherCache());
        assertEquals(TeacherCacheMode.ON,
                parse("{teacher: {file: teacher.onnx}, teacher-cache: true, train: {epochs: 1}}").teacherCache());
        assertEquals(TeacherCacheMode.AUTO, parse("{teacher: {file: teacher.onnx}, teacher-cache: auto, "
                + "train: {epochs: 1, augment: {shift: 1}}}").teacherCache());
    }

    /** The cache stores each row once; augmentation changes the rows every epoch: on is an error at the key. */
    @Test
    void teacherCacheOnWithAugmentationIsLocatedAtTheKey() {
        Path f = recipe("{teacher: {file: teacher.onnx}, teacher-cache: on, train: {epochs: 1, augment: {shift: 2}}}");
        assertError(() -> RecipeLoader.load(f), f, 5, 61, "teacher-cache on", "augment shift 2 px",
                "changes the rows every epoch");
        Path typo = recipe("{teacher: {file: teacher.onnx}, teacher-cache: always, train: {epochs: 1}}");
        assertError(() -> RecipeLoader.load(typo), typo, 5, 61, "teacher-cache must be auto, on or off", "always");
    }

    @Test
    void theCacheIsUsedUnlessOffOrAugmented() {
        var plain = new dev.condense.api.train.TrainSpec(1, 32, dev.condense.api.train.OptimizerSpec.adam(1e-3), 0);
        assertEquals(null, TeacherCacheMode.AUTO.liveReason(plain));
        assertEquals(null, TeacherCacheMode.ON.liveReason(plain));
        assertEquals("teacher-cache off", TeacherCacheMode.OFF.liveReason(plain));
    }
}
