package dev.condense.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operation of a {@link ModelGraph}, aligned with an ONNX NodeProto.
 *
 * <p>{@code opType} is the ONNX operator name (Gemm, Relu, Conv, ...). {@code inputs} and {@code outputs} name
 * tensors: graph inputs, initializers or other nodes' outputs; an empty string marks an omitted optional input.
 * Attribute values are {@code Long}, {@code Double}, {@code String}, {@code long[]}, {@code double[]} or
 * {@code String[]}, as in ONNX (ints are 64-bit, floats are widened to double).
 */
public record Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Object> attributes) {

    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** The first output, which for every op Condense supports is the main result. */
    public String output() {
        return outputs.get(0);
    }

    /** An integer attribute, or {@code fallback} when absent. */
    public long intAttr(String key, long fallback) {
        Object v = attributes.get(key);
        return v == null ? fallback : ((Number) v).longValue();
    }

    /** A float attribute, or {@code fallback} when absent. */
    public double floatAttr(String key, double fallback) {
        Object v = attributes.get(key);
        return v == null ? fallback : ((Number) v).doubleValue();
    }

    /** An ints attribute, or {@code fallback} when absent. */
    public long[] intsAttr(String key, long[] fallback) {
        Object v = attributes.get(key);
        return v == null ? fallback : ((long[]) v).clone();
    }
}
