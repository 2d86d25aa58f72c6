package dev.condense.engine.onnx;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ONNX operators (default domain, opset 13 semantics) Condense supports. This is the single list to grow when
 * the engine learns a new op; error messages print it sorted.
 *
 * <p>{@link #LOWERED} ops live in the IR and are exported, lowered to SameDiff and shape-inferred.
 * {@link #FOLDED} ops are accepted by the importer only: {@code Constant} becomes an initializer, and {@code Shape}
 * is always evaluated (graph inputs have static shapes but for the batch). {@code Shape}/{@code Gather}/
 * {@code Unsqueeze}/{@code Concat} chains that compute static values are evaluated at import ({@link StaticFolding});
 * Cast, Slice and Squeeze of initializers are evaluated too ({@link ConstantOps}). Gather, Unsqueeze and Cast of
 * runtime data stay in the IR (transformer encoders: embedding lookups by token id, the attention mask's
 * Unsqueeze and Cast to float).
 * {@link #REWRITTEN} ops are replaced by LOWERED ones at import. {@link #OPS} is the union of the three.
 */
public final class SupportedOps {

    /** Ops of the IR: importable, exportable and lowerable. */
    public static final SortedSet<String> LOWERED = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(
            "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "Flatten",
            "Identity", "Softmax", "Conv", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool",
            "Reshape", "Transpose", "Concat", "Pad", "Dropout", "HardSigmoid", "Slice", "Squeeze", "Resize",
            "ConvTranspose", "Sign", "Gather", "Unsqueeze", "Cast", "ReduceMean", "Pow", "Sqrt", "Erf", "Exp", "Log",
            "LogSoftmax")));

    /** Ops the importer evaluates away when their inputs are static. */
    public static final SortedSet<String> FOLDED = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(
            "Constant", "Shape")));

    /**
     * Ops the importer rewrites into {@link #LOWERED} ops: HardSwish(x) becomes {@code x * HardSigmoid(x; 1/6, 1/2)},
     * Sum(x1, ..., xn) a chain of n - 1 Adds (one input: Identity).
     */
    public static final SortedSet<String> REWRITTEN = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(
            "HardSwish", "Sum")));

    /** Op types accepted by {@link OnnxImporter}. */
    public static final SortedSet<String> OPS;

    static {
        TreeSet<String> all = new TreeSet<>(LOWERED);
        all.addAll(FOLDED);
        all.addAll(REWRITTEN);
        OPS = Collections.unmodifiableSortedSet(all);
    }

    private SupportedOps() {
    }

    /** True when {@code opType} (case-sensitive, as in ONNX) is supported. */
    public static boolean isSupported(String opType) {
        return OPS.contains(opType);
    }

    /** The sorted supported set, e.g. {@code [Add, AveragePool, ...]}, for error messages. */
    public static String describe() {
        return OPS.toString();
    }
}
