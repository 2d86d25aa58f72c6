package dev.condense.kernel.stage.distill;

import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a distill stage's layer map, {@code {student: TENSOR | re:REGEX, teacher: TENSOR | re:REGEX,
 * loss: ID | {ID: params}, weight: W, pick: skip | last, project: true}}: the student tensors it names learn from the
 * teacher tensors (paired in graph order; when the teacher matches more, {@code pick} chooses as many) through the
 * feature loss, weighted by W in the total.
 *
 * @param student  the student pattern (an exact tensor name or {@code re:} + a regex matching whole names)
 * @param teacher  the teacher pattern
 * @param loss     the feature loss extension
 * @param weight   its weight, finite and &ge; 0; default 1
 * @param pick     how k of M teacher layers are chosen; default skip
 * @param project  whether a learned projection is inserted when widths differ; default true (false passes the
 *                 tensors as they are, for losses that compare attention maps of any width)
 * @param location where the entry is written
 */
public record FeatureMapEntry(LayerPattern student, LayerPattern teacher, ExtensionRef loss, double weight,
                             LayerPick pick, boolean project, Location location) {
    private static final List<String> KEYS = List.of("student", "teacher", "loss", "weight", "pick", "project");

    public FeatureMapEntry {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(pick, "pick");
        Objects.requireNonNull(location, "location");
        if (!(weight >= 0 && Double.isFinite(weight))) {
            throw new IllegalArgumentException("weight must be finite and >= 0, was " + weight);
        }
    }

    /** Reads one entry; errors are located at the offending key. */
    static FeatureMapEntry read(NodeRef n) {
        n.expectObject(KEYS);
        LayerPattern student = pattern(n.required("student"));
        LayerPattern teacher = pattern(n.required("teacher"));
        ExtensionRef loss = ExtensionRef.read(n.required("loss"), "a feature loss");
        double weight = n.optional("weight").map(NodeRef::asDouble).orElse(1.0);
        if (!(weight >= 0 && Double.isFinite(weight))) {
            throw n.child("weight").fail("weight must be finite and >= 0, was " + weight);
        }
        LayerPick pick = n.optional("pick").map(FeatureMapEntry::pick).orElse(LayerPick.SKIP);
        boolean project = n.optional("project").map(p -> {
            if (!p.node().isBoolean()) {
                throw p.fail("expected true or false for project but found " + p.describe());
            }
            return p.node().asBoolean();
        }).orElse(true);
        return new FeatureMapEntry(student, teacher, loss, weight, pick, project, n.location());
    }

    private static LayerPattern pattern(NodeRef n) {
        String text = n.asText();
        return n.construct(() -> new LayerPattern(text, n.location()));
    }

    private static LayerPick pick(NodeRef n) {
        String text = n.asText();
        for (LayerPick p : LayerPick.values()) {
            if (p.id().equals(text)) {
                return p;
            }
        }
        throw n.fail("pick must be skip or last, was '" + text + "'");
    }
}
