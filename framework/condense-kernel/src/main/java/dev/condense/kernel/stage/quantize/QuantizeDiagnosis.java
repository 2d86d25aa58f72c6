package dev.condense.kernel.stage.quantize;

import static dev.condense.kernel.schema.SchemaNodes.NODES;
import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The quantize stage's diagnosis options: {@code sensitivity: true | {rows: N}} (a per-layer sensitivity table in
 * the report) and {@code fallback: {max-drop: 0.5, rows: N, layers: {include, exclude}}} (keep few layers in float
 * so that the accuracy drop on validation rows is at most {@code max-drop} percentage points). Both measure on the
 * first {@code rows} validation rows (the recipe's {@code data.validation}), never on test rows.
 *
 * @param sensitivity whether the table is asked for (the fallback search measures one for its candidates anyway)
 * @param fallback    the fallback, or null
 * @param rows        validation rows measured on, >= 1
 * @param location    where the first of {@code sensitivity} / {@code fallback} is written (null when neither is)
 */
public record QuantizeDiagnosis(boolean sensitivity, Fallback fallback, int rows, Location location) {
    public static final int DEFAULT_ROWS = 1000;
    public static final QuantizeDiagnosis NONE = new QuantizeDiagnosis(false, null, DEFAULT_ROWS, null);
    /** The modes whose layers can be measured one by one. */
    public static final List<String> MODES = List.of("static", "dynamic");

    /**
     * @param maxDrop  tolerated drop of validation accuracy against the float model, percentage points, >= 0
     * @param layers   which quantized layers may stay float (all by default)
     * @param location where {@code fallback} is written
     */
    public record Fallback(double maxDrop, LayerFilter layers, Location location) {
        public Fallback {
            if (!(maxDrop >= 0) || Double.isInfinite(maxDrop)) {
                throw new IllegalArgumentException("max-drop must be a number of accuracy points >= 0, was " + maxDrop);
            }
            Objects.requireNonNull(layers, "layers");
            Objects.requireNonNull(location, "location");
        }
    }

    public QuantizeDiagnosis {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, was " + rows);
        }
    }

    /** Whether anything is measured. */
    public boolean active() {
        return sensitivity || fallback != null;
    }

    /** The schema of {@code sensitivity} and {@code fallback}, added to the quantize body's properties. */
    static void schema(ObjectNode quantizeProps) {
        ObjectNode rowsOnly = object("measure on the first rows validation rows");
        props(rowsOnly).set("rows", orVar(integer(1, null).put("default", DEFAULT_ROWS)));
        ObjectNode sensitivity = NODES.objectNode().put("description", "a per-layer sensitivity table in the report:"
                + " validation accuracy and SQNR with only that layer quantized, and with only that layer left float");
        ArrayNode any = sensitivity.putArray("anyOf");
        any.add(NODES.objectNode().put("type", "boolean"));
        any.add(rowsOnly);
        any.add(ref("var-ref"));
        quantizeProps.set("sensitivity", sensitivity);
        ObjectNode fallback = object("keep the fewest layers in float (greedy by sensitivity, then pruned) so that"
                + " validation accuracy drops by at most max-drop points; the best model found is always returned");
        fallback.putArray("required").add("max-drop");
        props(fallback).set("max-drop", orVar(NODES.objectNode().put("type", "number").put("minimum", 0)));
        props(fallback).set("rows", orVar(integer(1, null).put("default", DEFAULT_ROWS)));
        props(fallback).set("layers", ref("layers"));
        quantizeProps.set("fallback", fallback);
    }

    /** Reads the two keys of a quantize body in {@code mode}; located errors. */
    static QuantizeDiagnosis read(NodeRef body, String mode) {
        Optional<NodeRef> s = body.optional("sensitivity");
        Optional<NodeRef> f = body.optional("fallback");
        if (s.isEmpty() && f.isEmpty()) {
            return NONE;
        }
        NodeRef first = s.orElseGet(f::get);
        if (!MODES.contains(mode)) {
            throw new dev.condense.kernel.recipe.RecipeException(first.keyLocation(), first.name()
                    + " measures int8 layers one by one and works in modes " + String.join(" and ", MODES)
                    + ", not in mode " + mode);
        }
        boolean sensitivity = false;
        Integer rows = null;
        if (s.isPresent()) {
            NodeRef n = s.get();
            if (n.node().isBoolean()) {
                sensitivity = n.node().asBoolean();
            } else if (n.node().isObject()) {
                n.expectObject(List.of("rows"));
                sensitivity = true;
                rows = n.optional("rows").map(r -> r.asInt(1, Integer.MAX_VALUE)).orElse(null);
            } else {
                throw n.fail("expected true, false or {rows: N} for sensitivity but found " + n.describe());
            }
        }
        Fallback fallback = null;
        if (f.isPresent()) {
            NodeRef n = f.get();
            n.expectObject(List.of("max-drop", "rows", "layers"));
            NodeRef drop = n.required("max-drop");
            double maxDrop = drop.asDouble();
            if (maxDrop < 0) {
                throw drop.fail("max-drop is the tolerated accuracy drop in points (0.5 = half a point) and must be"
                        + " >= 0, was " + drop.node().asText());
            }
            Optional<NodeRef> r = n.optional("rows");
            if (r.isPresent()) {
                int fr = r.get().asInt(1, Integer.MAX_VALUE);
                if (rows != null && rows != fr) {
                    throw r.get().fail("sensitivity and fallback measure on the same validation rows; rows " + fr
                            + " differs from sensitivity's " + rows + " (give rows once)");
                }
                rows = fr;
            }
            LayerFilter layers = n.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
            fallback = n.construct(() -> new Fallback(maxDrop, layers, n.keyLocation()));
        }
        if (!sensitivity && fallback == null) {
            return NONE;
        }
        return new QuantizeDiagnosis(sensitivity, fallback, rows == null ? DEFAULT_ROWS : rows, first.keyLocation());
    }

    /** The options as the resolved recipe writes them (provenance), or an empty map when inactive. */
    Map<String, Object> resolved() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (sensitivity) {
            out.put("sensitivity", Map.of("rows", rows));
        }
        if (fallback != null) {
            Map<String, Object> fb = new java.util.LinkedHashMap<>();
            fb.put("max-drop", fallback.maxDrop());
            fb.put("rows", rows);
            Map<String, Object> layers = new java.util.LinkedHashMap<>();
            if (!fallback.layers().include().isEmpty()) {
                layers.put("include", fallback.layers().include().stream().map(p -> p.pattern()).toList());
            }
            if (!fallback.layers().exclude().isEmpty()) {
                layers.put("exclude", fallback.layers().exclude().stream().map(p -> p.pattern()).toList());
            }
            if (!layers.isEmpty()) {
                fb.put("layers", layers);
            }
            out.put("fallback", fb);
        }
        return out;
    }
}
