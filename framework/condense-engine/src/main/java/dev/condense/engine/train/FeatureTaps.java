package dev.condense.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Names intermediate tensors of the student, and of the teacher, that a loss reads as
 * {@code LossInputs.features()} (FitNets hints, attention transfer, patient distillation). A student tap is the
 * student's own SameDiff variable (gradients flow through it); a teacher tap is a placeholder that the
 * {@link TeacherFeed} fills every step from the same teacher forward pass as the logits (a constant for the
 * student). Keys are chosen by the caller and must be unique across both maps.
 */
public final class FeatureTaps implements TrainingHook {
    private final Map<String, String> student;
    private final TeacherFeed teacher;
    private final Map<String, String> teacherTaps;

    /**
     * @param student     feature key to student tensor (graph input or node output)
     * @param teacher     the run's teacher feed, or null when {@code teacherTaps} is empty
     * @param teacherTaps feature key to teacher tensor (node output)
     */
    public FeatureTaps(Map<String, String> student, TeacherFeed teacher, Map<String, String> teacherTaps) {
        this.student = new LinkedHashMap<>(student);
        this.teacherTaps = new LinkedHashMap<>(teacherTaps);
        this.teacher = teacherTaps.isEmpty() ? teacher : Objects.requireNonNull(teacher, "teacher feed for teacher taps");
    }

    /** Taps of student tensors only. */
    public static FeatureTaps student(Map<String, String> keyToTensor) {
        return new FeatureTaps(keyToTensor, null, Map.of());
    }

    /** Taps of teacher tensors only, fed by {@code teacher} (which must be a hook of the same run). */
    public static FeatureTaps teacher(TeacherFeed teacher, Map<String, String> keyToTensor) {
        return new FeatureTaps(Map.of(), teacher, keyToTensor);
    }

    @Override
    public void build(GraphBuild build) {
        student.forEach((key, tensor) -> build.feature(key, build.tensor(tensor)));
        teacherTaps.forEach((key, tensor) -> build.feature(key, teacher.tap(build, tensor)));
    }
}
