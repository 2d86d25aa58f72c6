package dev.condense.kernel.stage.distill;

import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.NodeRef;
import java.util.Locale;

/**
 * A distill stage's {@code teacher-cache: auto | on | off}: whether the teacher's logits and tapped tensors are
 * computed once per training row and read back from a memory-mapped file every epoch
 * ({@code dev.condense.engine.train.TeacherCache}) instead of running the teacher at every step. The cache is valid
 * only when a row is the same at every visit: augmentation ({@code train.augment}) changes the rows every epoch, so
 * there the teacher runs on the augmented rows. {@code auto} (the default) caches when valid; {@code on} when
 * invalid is an error at the key; {@code off} always runs the teacher.
 */
public enum TeacherCacheMode {
    AUTO, ON, OFF;

    /** The recipe spelling. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Null when the run uses the cache, else why the teacher runs live (for the report).
     */
    public String liveReason(TrainSpec train) {
        if (this == OFF) {
            return "teacher-cache off";
        }
        if (train.augment().active()) {
            return "augment shift " + train.augment().shift() + " px changes the rows every epoch, so the teacher"
                    + " runs on the augmented rows";
        }
        return null;
    }

    /**
     * Reads {@code auto}, {@code on} or {@code off} (YAML booleans true and false mean on and off), checking
     * {@code on} against the stage's training.
     */
    static TeacherCacheMode read(NodeRef n, TrainSpec train) {
        TeacherCacheMode mode;
        if (n.node().isBoolean()) {
            mode = n.node().asBoolean() ? ON : OFF;
        } else {
            String text = n.asText();
            mode = switch (text) {
                case "auto" -> AUTO;
                case "on" -> ON;
                case "off" -> OFF;
                default -> throw n.fail("teacher-cache must be auto, on or off, was '" + text + "'");
            };
        }
        if (mode == ON && train.augment().active()) {
            throw n.fail("teacher-cache on stores each training row's teacher outputs once, but train.augment shift "
                    + train.augment().shift() + " px changes the rows every epoch; use auto (the teacher then runs"
                    + " on the augmented rows) or remove the augmentation");
        }
        return mode;
    }
}
