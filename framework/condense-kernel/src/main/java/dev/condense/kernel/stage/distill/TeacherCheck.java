package dev.condense.kernel.stage.distill;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.nlp.PackedInputs;
import dev.condense.engine.nlp.UnpackedInputs;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.ModelLoader;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A teacher must take the student's input and give as many logits: it is loaded (its ONNX read and checked) and
 * compared shape by shape, ignoring the batch dimension. A text teacher exported with its own int64 inputs
 * ({@code input_ids, attention_mask, token_type_ids [N, L]}, as the export stage writes them) is packed the way the
 * student is ({@link PackedInputs#pack}, its inputs in the student's packed order), so it reads the same packed rows;
 * its tensor names do not change, so the layer map names them as before.
 */
final class TeacherCheck {
    private TeacherCheck() {
    }

    /** @return the loaded teacher; @throws RecipeException at the teacher's file when it does not fit */
    static ModelGraph check(ModelSpec file, Location at, ModelGraph student) {
        ModelGraph teacher;
        try {
            teacher = load(file, student);
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

    /**
     * The teacher in {@code file}, packed like {@code student} when the student is a packed text model and the
     * teacher takes the student's original inputs by name.
     *
     * @throws IllegalArgumentException when such a teacher's input names differ from the student's
     */
    static ModelGraph load(ModelSpec file, ModelGraph student) {
        ModelGraph teacher = ModelLoader.load(file, 0);
        List<String> names = UnpackedInputs.names(student).orElse(List.of());
        if (names.isEmpty() || teacher.inputs().size() < 2
                || teacher.inputs().stream().anyMatch(i -> i.type() != ValueInfo.ElementType.INT64)) {
            return teacher;
        }
        Set<String> have = teacher.inputs().stream().map(ValueInfo::name).collect(Collectors.toSet());
        if (!have.equals(new HashSet<>(names))) {
            throw new IllegalArgumentException("the teacher's int64 inputs " + teacher.inputs().stream()
                    .map(ValueInfo::name).toList() + " are not the student's " + names);
        }
        return PackedInputs.pack(teacher, names);
    }

    private static boolean sameAfterBatch(long[] a, long[] b) {
        return a.length == b.length && Arrays.equals(a, 1, a.length, b, 1, b.length);
    }
}
