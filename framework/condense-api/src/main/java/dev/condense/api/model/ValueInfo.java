package dev.condense.api.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A graph input or output: name, element type and shape. A dimension of {@code -1} is dynamic (the batch axis).
 */
public record ValueInfo(String name, ElementType type, long[] shape) {

    public ValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueInfo v && v.name.equals(name) && v.type == type && Arrays.equals(v.shape, shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }

    /** Element types Condense graphs carry at their boundary. */
    public enum ElementType { FLOAT, INT64 }
}
