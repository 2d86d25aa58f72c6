package dev.condense.engine.onnx;

import dev.condense.api.model.Node;
import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What the importer accepts for one op type, before any shape is known: input and output counts per opset, the
 * attributes (name, type and the opset range in which ONNX defines them), required attributes, and range checks on
 * attribute values. Built fluently by {@link OpSpecs}; a failed check throws {@link IllegalArgumentException} with a
 * message that does not repeat the node (the caller prefixes file, node and op).
 */
final class OpSpec {

    /** The Java type an attribute of each ONNX type becomes (see {@link OnnxAttributes}). */
    enum Kind {
        INT(Long.class), FLOAT(Double.class), STRING(String.class), INTS(long[].class), FLOATS(double[].class),
        STRINGS(String[].class);

        final Class<?> javaType;

        Kind(Class<?> javaType) {
            this.javaType = javaType;
        }
    }

    /** Inputs accepted from opset {@code since} on (until the next entry): {@code [min, max]}. */
    private record Arity(int since, int min, int max) {
    }

    /** An attribute defined by ONNX for opsets {@code [since, until)}. */
    private record Attr(Kind kind, int since, int until) {
    }

    final String op;
    private final List<Arity> arities = new ArrayList<>();
    private final Map<String, Attr> attrs = new LinkedHashMap<>();
    private final Set<String> required = new HashSet<>();
    private final List<BiConsumer<Node, Long>> checks = new ArrayList<>();
    private int maxOutputs = 1;
    private int since;

    OpSpec(String op, int minInputs, int maxInputs) {
        this.op = op;
        arities.add(new Arity(0, minInputs, maxInputs));
    }

    /** From opset {@code since} on, the op takes {@code [min, max]} inputs (entries in increasing {@code since}). */
    OpSpec inputsFrom(int since, int min, int max) {
        arities.add(new Arity(since, min, max));
        return this;
    }

    /** ONNX defines the op from opset {@code opset} on; a model importing an older opset is rejected. */
    OpSpec since(int opset) {
        since = opset;
        return this;
    }

    OpSpec outputs(int max) {
        maxOutputs = max;
        return this;
    }

    OpSpec attr(String name, Kind kind) {
        return attr(name, kind, 0, Integer.MAX_VALUE);
    }

    /** An attribute ONNX defines for opsets {@code [since, until)}. */
    OpSpec attr(String name, Kind kind, int since, int until) {
        attrs.put(name, new Attr(kind, since, until));
        return this;
    }

    OpSpec require(String name) {
        required.add(name);
        return this;
    }

    /** A range check on attribute values, given the node and the model's opset. */
    OpSpec check(BiConsumer<Node, Long> c) {
        checks.add(c);
        return this;
    }

    /** Checks {@code n} (as imported, before opset upgrade) against this spec at {@code opset}. */
    void validate(Node n, long opset) {
        if (opset < since) {
            throw new IllegalArgumentException(op + " is defined from opset " + since + " on; the model imports opset "
                    + opset);
        }
        Arity a = arities.get(0);
        for (Arity x : arities) {
            if (opset >= x.since()) {
                a = x;
            }
        }
        int count = n.inputs().size();
        while (count > a.min() && n.inputs().get(count - 1).isEmpty()) {
            count--; // trailing omitted optional inputs
        }
        if (count < a.min() || count > a.max()) {
            throw new IllegalArgumentException("has " + n.inputs().size() + " inputs; " + op + " at opset " + opset
                    + " takes " + (a.min() == a.max() ? String.valueOf(a.min()) : a.min() + " to " + a.max()));
        }
        for (int i = 0; i < a.min(); i++) {
            if (n.inputs().get(i).isEmpty()) {
                throw new IllegalArgumentException("required input " + i + " is empty");
            }
        }
        if (n.outputs().isEmpty() || n.outputs().get(0).isEmpty()) {
            throw new IllegalArgumentException("has no output name");
        }
        if (n.outputs().size() > maxOutputs) {
            throw new IllegalArgumentException("has " + n.outputs().size() + " outputs; " + op + " has at most "
                    + maxOutputs);
        }
        for (var e : n.attributes().entrySet()) {
            Attr spec = attrs.get(e.getKey());
            if (spec == null || opset < spec.since() || opset >= spec.until()) {
                throw new IllegalArgumentException("attribute '" + Quote.cut(e.getKey()) + "' is not defined for " + op
                        + " at opset " + opset + " (known: " + known(opset) + ")");
            }
            if (!spec.kind().javaType.isInstance(e.getValue())) {
                throw new IllegalArgumentException("attribute '" + Quote.cut(e.getKey()) + "' must be of type " + spec.kind()
                        + ", got " + kindOf(e.getValue()));
            }
        }
        for (String r : required) {
            if (!n.attributes().containsKey(r)) {
                throw new IllegalArgumentException("required attribute '" + r + "' is missing");
            }
        }
        checks.forEach(c -> c.accept(n, opset));
    }

    private List<String> known(long opset) {
        return attrs.entrySet().stream().filter(e -> opset >= e.getValue().since() && opset < e.getValue().until())
                .map(Map.Entry::getKey).toList();
    }

    private static String kindOf(Object v) {
        for (Kind k : Kind.values()) {
            if (k.javaType.isInstance(v)) {
                return k.name();
            }
        }
        return v == null ? "null" : v.getClass().getSimpleName();
    }
}
