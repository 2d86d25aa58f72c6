package dev.condense.kernel.stage.distill;

import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.ModelLoader;
import java.util.Arrays;

/**
 * A teacher must take the student's input and give as many logits: it is loaded (its ONNX read and checked) and
 * compared shape by shape, ignoring the batch dimension.
 */
final class TeacherCheck {
    private TeacherCheck() {
    }

    /** @return the loaded teacher; @throws RecipeException at the teacher's file when it does not fit */
    static ModelGraph check(ModelSpec file, Location at, ModelGraph student) {
        ModelGraph teacher;
        try {
            teacher = ModelLoader.load(file, 0);
        } catch (RuntimeException e) {
            throw new RecipeException(at, "cannot read the teacher: " + e.getMessage());
        }
        if (teacher.inputs().size() != 1 || teacher.outputs().size() != 1) {
            throw new RecipeException(at, "a teacher must have one input and one output; it has "
                    + teacher.inputs().size() + " and " + teacher.outputs().size());
        }
        long[] si = student.inputs().get(0).shape();
        long[] ti = teacher.inputs().get(0).shape();
        long[] so = student.outputs().get(0).shape();
        long[] to = teacher.outputs().get(0).shape();
        if (!sameAfterBatch(si, ti)) {
            throw new RecipeException(at, "the teacher's input has shape " + Arrays.toString(ti)
                    + " but the model's has " + Arrays.toString(si) + " (the batch dimension may differ)");
        }
        if (to.length != 2 || so.length != 2 || to[1] != so[1]) {
            throw new RecipeException(at, "the teacher's output has shape " + Arrays.toString(to)
                    + " but the model's has " + Arrays.toString(so) + "; both must be logits [N, classes]");
        }
        return teacher;
    }

    private static boolean sameAfterBatch(long[] a, long[] b) {
        return a.length == b.length && Arrays.equals(a, 1, a.length, b, 1, b.length);
    }
}
