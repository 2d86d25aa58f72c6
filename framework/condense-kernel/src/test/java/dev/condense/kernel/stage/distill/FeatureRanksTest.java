package dev.condense.kernel.stage.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A feature loss that takes only some ranks ({@link LossFunction#featureRanks()}, e.g. attention transfer: rank 4)
 * paired by the layer map with tensors of another rank fails when the terms are resolved (validate), at the entry.
 */
class FeatureRanksTest {
    @TempDir
    Path dir;

    record NoParams() {
    }

    /** A loss over spatial maps only; it is never built here. */
    private static final LossFunction<NoParams> SPATIAL = new LossFunction<>() {
        @Override
        public String id() {
            return "spatial";
        }

        @Override
        public Class<NoParams> paramsType() {
            return NoParams.class;
        }

        @Override
        public String summary() {
            return "test loss over [N, C, H, W] features";
        }

        @Override
        public Set<Integer> featureRanks() {
            return Set.of(4);
        }

        @Override
        public SDVariable loss(LossInputs inputs, NoParams params) {
            throw new AssertionError("not built in this test");
        }
    };

    private DistillStep step(String student, String teacher) throws Exception {
        Files.writeString(dir.resolve("t.onnx"), "not read by the loader");
        Path r = Files.writeString(dir.resolve("r.yaml"), "recipe: r\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist}\n"
                + "stages:\n  - distill:\n      teacher: {file: t.onnx}\n      train: {epochs: 1}\n      features:\n"
                + "        - {student: " + student + ", teacher: " + teacher + ", loss: spatial}\n");
        DistillStageSpec d = assertInstanceOf(DistillStageSpec.class, RecipeLoader.load(r).stages().get(0));
        DistillFeature f = new DistillFeature(d.features().get(0), SPATIAL, new NoParams());
        return new DistillStep(d.train(), d.teacher(), d.teacherLocation(), SPATIAL, new NoParams(), List.of(f),
                1.0, false, TeacherCacheMode.AUTO, d.location());
    }

    @Test
    void aRank2PairForARank4LossIsLocatedAtTheEntry() throws Exception {
        ModelGraph lenet = Zoo.build("lenet-5", 1);
        var e = assertThrows(RecipeException.class, () -> step("fc1.relu", "fc1.relu").featureTerms(lenet, lenet));
        assertEquals(9, e.location().line());
        assertEquals(11, e.location().column());
        assertTrue(e.detail().contains("feature loss 'spatial' takes tensors of rank 4 ([N, C, H, W]), but the pair "
                + "fc1.relu [-1, 500] -> fc1.relu [-1, 500] has rank 2"), e.detail());
        assertEquals(1, step("conv2", "conv2").featureTerms(lenet, lenet).size(), "rank 4 pairs pass");
    }
}
