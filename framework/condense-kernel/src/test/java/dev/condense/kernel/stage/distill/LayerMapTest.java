package dev.condense.kernel.stage.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.train.FeaturePair;
import dev.condense.engine.zoo.MlpBuilder;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolving layer-map entries against planted student and teacher graphs (zoo MLPs and CNNs, fixed seeds). */
class LayerMapTest {
    private static final Location STUDENT_AT = new Location(Path.of("r.yaml"), 7, 18);
    private static final Location TEACHER_AT = new Location(Path.of("r.yaml"), 7, 40);
    private static final ModelGraph MLP_STUDENT = Zoo.build("lenet-300-100", 1);
    private static final ModelGraph MLP_TEACHER = MlpBuilder.build("t", new long[] {1, 28, 28},
            new int[] {1200, 1200, 1200, 1200, 10}, 0f, 1f, 2);

    private static List<FeaturePair> resolve(ModelGraph s, ModelGraph t, String student, String teacher,
                                             LayerPick pick, boolean project) {
        return new LayerMap(s, t).resolve(new LayerPattern(student, STUDENT_AT), new LayerPattern(teacher, TEACHER_AT),
                pick, project, new Location(Path.of("r.yaml"), 7, 5));
    }

    private static List<FeaturePair> mlp(String student, String teacher, LayerPick pick) {
        return resolve(MLP_STUDENT, MLP_TEACHER, student, teacher, pick, true);
    }

    @Test
    void exactNamesPairWithALinearProjectionWhenWidthsDiffer() {
        List<FeaturePair> p = mlp("fc1.act", "fc1.act", LayerPick.SKIP);
        assertEquals(1, p.size());
        assertArrayEquals(new long[] {-1, 300}, p.get(0).studentShape());
        assertArrayEquals(new long[] {-1, 1200}, p.get(0).teacherShape());
        assertTrue(p.get(0).projected());
        assertTrue(p.get(0).describe().contains("learned projection 300 -> 1200, linear"), p.get(0).describe());
    }

    @Test
    void skipAndLastPickKOfMTeacherLayersInGraphOrder() {
        List<FeaturePair> skip = mlp("re:fc[12]\\.act", "re:fc\\d\\.act", LayerPick.SKIP);
        assertEquals(List.of("fc1.act", "fc2.act"), skip.stream().map(FeaturePair::student).toList());
        assertEquals(List.of("fc2.act", "fc4.act"), skip.stream().map(FeaturePair::teacher).toList());
        List<FeaturePair> last = mlp("re:fc[12]\\.act", "re:fc\\d\\.act", LayerPick.LAST);
        assertEquals(List.of("fc3.act", "fc4.act"), last.stream().map(FeaturePair::teacher).toList());
    }

    @Test
    void pickFollowsThePatientKdPaper() {
        assertArrayEquals(new int[] {1, 3, 5, 7, 9, 11}, LayerPick.SKIP.choose(12, 6));
        assertArrayEquals(new int[] {6, 7, 8, 9, 10, 11}, LayerPick.LAST.choose(12, 6));
        assertArrayEquals(new int[] {0, 1, 2}, LayerPick.SKIP.choose(3, 3));
        assertArrayEquals(new int[] {0, 1, 2}, LayerPick.LAST.choose(3, 3));
        assertThrows(IllegalArgumentException.class, () -> LayerPick.SKIP.choose(2, 3));
    }

    @Test
    void aMissingStudentTensorIsLocatedWithDidYouMean() {
        RecipeException e = assertThrows(RecipeException.class, () -> mlp("fc1.actt", "fc1.act", LayerPick.SKIP));
        assertEquals(STUDENT_AT, e.location());
        assertTrue(e.detail().contains("no tensor 'fc1.actt' in the model (did you mean 'fc1.act'?)"), e.detail());
    }

    @Test
    void aMissingTeacherTensorOrAnEmptyRegexIsLocatedAtTheTeacher() {
        RecipeException e = assertThrows(RecipeException.class, () -> mlp("fc1.act", "fc9.act", LayerPick.SKIP));
        assertEquals(TEACHER_AT, e.location());
        assertTrue(e.detail().contains("in the teacher"), e.detail());
        RecipeException r = assertThrows(RecipeException.class, () -> mlp("fc1.act", "re:conv.*", LayerPick.SKIP));
        assertTrue(r.detail().contains("matches no tensor of the teacher"), r.detail());
    }

    @Test
    void fewerTeacherThanStudentTensorsIsAnError() {
        RecipeException e = assertThrows(RecipeException.class, () -> mlp("re:fc[12]\\.act", "fc1.act",
                LayerPick.SKIP));
        assertEquals(TEACHER_AT, e.location());
        assertTrue(e.detail().contains("matches 1 tensor(s) but the student pattern matches 2"), e.detail());
    }

    @Test
    void convFeaturesOfTheSameSpatialSizePairWithA1x1ProjectionAndOthersAreRejected() {
        ModelGraph vgg = Zoo.build("vgg-small", 3);
        ModelGraph resnet = Zoo.build("resnet-20-small", 4);
        FeaturePair p = resolve(vgg, resnet, "b1.conv1.relu", "stem.relu", LayerPick.SKIP, true)
                .get(0);
        assertArrayEquals(new long[] {-1, 16, 28, 28}, p.studentShape());
        assertArrayEquals(new long[] {-1, 8, 28, 28}, p.teacherShape());
        assertTrue(p.describe().contains("16 -> 8, 1x1 conv"), p.describe());
        RecipeException spatial = assertThrows(RecipeException.class, () ->
                resolve(vgg, resnet, "b1.pool", "stem.relu", LayerPick.SKIP, true));
        assertEquals(TEACHER_AT, spatial.location());
        assertTrue(spatial.detail().contains("spatial sizes cannot match"), spatial.detail());
        FeaturePair plain = resolve(vgg, resnet, "b1.conv1.relu", "stem.relu", LayerPick.SKIP, false).get(0);
        assertFalse(plain.projected());
        assertTrue(plain.describe().endsWith("(no projection)"), plain.describe());
        RecipeException rank = assertThrows(RecipeException.class, () ->
                resolve(vgg, resnet, "b1.conv1.relu", "logits", LayerPick.SKIP, true));
        assertTrue(rank.detail().contains("two [N, C, H, W] or two [N, D]"), rank.detail());
    }

    @Test
    void equalWidthsNeedNoProjection() {
        ModelGraph other = MlpBuilder.build("s2", new long[] {1, 28, 28}, new int[] {1200, 10}, 0f, 1f, 5);
        assertFalse(resolve(other, MLP_TEACHER, "fc1.act", "fc1.act", LayerPick.SKIP, true).get(0)
                .projected());
    }
}
