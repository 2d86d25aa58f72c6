package dev.condense.engine.onnx;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ONNX operators (default domain, opset 13 semantics) the importer accepts. This is the single list to grow
 * when the engine learns a new op; error messages print it sorted.
 */
public final class SupportedOps {

    /** Op types accepted by {@link OnnxImporter}; {@code Constant} nodes become initializers on import. */
    public static final SortedSet<String> OPS = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(
            "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Flatten", "Identity", "Constant", "Softmax")));

    private SupportedOps() {
    }

    /** True when {@code opType} (case-sensitive, as in ONNX) is supported. */
    public static boolean isSupported(String opType) {
        return OPS.contains(opType);
    }

    /** The sorted supported set, e.g. {@code [Add, Constant, Div, ...]}, for error messages. */
    public static String describe() {
        return OPS.toString();
    }
}
