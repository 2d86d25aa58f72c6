package dev.condense.engine.train;

import java.util.Arrays;
import java.util.Objects;

/**
 * One student tensor matched to one teacher tensor for a feature loss. Shapes are batch first, {@code -1} for the
 * batch: {@code [N, C, H, W]} (the spatial sizes equal), {@code [N, D]}, or token states {@code [N, L, D]} (the
 * sequence lengths equal; the width is the last axis, as in TinyBERT, Jiao et al. 2020). When the channels (or
 * widths) differ the student side is projected to the teacher's by a learned {@link FeatureProjection}.
 *
 * @param student      student tensor (graph input or node output)
 * @param studentShape its shape
 * @param teacher      teacher tensor (node output)
 * @param teacherShape its shape
 * @param project      whether differing widths get a learned projection; without, the pair's tensors reach the loss
 *                     as they are (attention transfer compares maps of any width)
 */
public record FeaturePair(String student, long[] studentShape, String teacher, long[] teacherShape, boolean project) {

    public FeaturePair {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(teacher, "teacher");
        studentShape = studentShape.clone();
        teacherShape = teacherShape.clone();
        if (studentShape.length != teacherShape.length || studentShape.length < 2 || studentShape.length > 4) {
            throw new IllegalArgumentException("a feature pair needs two rank-2, two rank-3 or two rank-4 tensors, was "
                    + Arrays.toString(studentShape) + " and " + Arrays.toString(teacherShape));
        }
        if (studentShape.length == 3 && studentShape[1] != teacherShape[1]) {
            throw new IllegalArgumentException("sequence lengths differ: " + Arrays.toString(studentShape) + " and "
                    + Arrays.toString(teacherShape));
        }
        if (studentShape.length == 4 && (studentShape[2] != teacherShape[2] || studentShape[3] != teacherShape[3])) {
            throw new IllegalArgumentException("spatial sizes differ: " + Arrays.toString(studentShape) + " and "
                    + Arrays.toString(teacherShape));
        }
    }

    /** A pair that is projected when the widths differ. */
    public FeaturePair(String student, long[] studentShape, String teacher, long[] teacherShape) {
        this(student, studentShape, teacher, teacherShape, true);
    }

    /**
     * True when a projection is on and the student's channels (rank 4), width (rank 2) or token width (rank 3, last
     * axis) differ from the teacher's.
     */
    public boolean projected() {
        return project && width(studentShape) != width(teacherShape);
    }

    /** The axis a projection maps: 1 (channels, width), or 2 for token states {@code [N, L, D]}. */
    public static int widthAxis(long[] shape) {
        return shape.length == 3 ? 2 : 1;
    }

    private static long width(long[] shape) {
        return shape[widthAxis(shape)];
    }

    @Override
    public long[] studentShape() {
        return studentShape.clone();
    }

    @Override
    public long[] teacherShape() {
        return teacherShape.clone();
    }

    /** {@code student [shape] -> teacher [shape]}, with the projection when there is one. */
    public String describe() {
        return student + " " + Arrays.toString(studentShape) + " -> " + teacher + " " + Arrays.toString(teacherShape)
                + (projected() ? " (learned projection " + width(studentShape) + " -> " + width(teacherShape)
                + (studentShape.length == 4 ? ", 1x1 conv)" : studentShape.length == 3 ? ", linear per token)" : ", linear)")
                : width(studentShape) != width(teacherShape) ? " (no projection)" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeaturePair p && student.equals(p.student) && teacher.equals(p.teacher)
                && Arrays.equals(studentShape, p.studentShape) && Arrays.equals(teacherShape, p.teacherShape)
                && project == p.project;
    }

    @Override
    public int hashCode() {
        return Objects.hash(student, teacher, Arrays.hashCode(studentShape), Arrays.hashCode(teacherShape), project);
    }

    @Override
    public String toString() {
        return describe();
    }
}
