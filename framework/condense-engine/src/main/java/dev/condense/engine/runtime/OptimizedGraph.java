package dev.condense.engine.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;

/**
 * What ONNX Runtime really executes for a model: the node types of the graph after ORT's optimizations (all levels,
 * CPU, the options {@link OrtRunner} uses), which ORT writes to a file on request
 * ({@code SessionOptions.setOptimizedModelFilePath}) and this class reads back. A QDQ model whose Conv was fused into
 * an integer kernel shows {@code QLinearConv}; one that still computes in float shows {@code Conv} (with
 * {@code DequantizeLinear} before it): the difference between int8 and "int8". On CPU ORT may run a QLinearConv in
 * NHWC as {@code com.microsoft:QLinearConv} between Transposes. Node types are keyed
 * {@code domain:op} for non-default domains ({@code com.microsoft:QLinearAdd}), plain {@code op} otherwise.
 *
 * @param nodeTypes count per node type, sorted by type
 */
public record OptimizedGraph(Map<String, Integer> nodeTypes) {

    /** Integer kernels ORT's CPU provider runs (ONNX and com.microsoft domains). */
    private static final Set<String> INTEGER_OPS = Set.of("QLinearConv", "QLinearMatMul", "ConvInteger",
            "MatMulInteger", "com.microsoft:QLinearConv", "com.microsoft:QLinearAdd", "com.microsoft:QLinearMul",
            "com.microsoft:QLinearGlobalAveragePool", "com.microsoft:QLinearAveragePool", "com.microsoft:QGemm",
            "com.microsoft:DynamicQuantizeMatMul", "com.microsoft:MatMulIntegerToFloat", "com.microsoft:QLinearConcat",
            "com.microsoft:QLinearSigmoid", "com.microsoft:QLinearLeakyRelu", "com.microsoft:QLinearSoftmax");

    /** Float compute kernels that an int8 model should not keep (their presence means float math). */
    private static final Set<String> FLOAT_COMPUTE = Set.of("Conv", "Gemm", "MatMul", "com.microsoft:FusedConv",
            "com.microsoft:FusedGemm", "com.microsoft:FusedMatMul", "com.microsoft:NchwcConv", "ConvTranspose",
            "com.microsoft.nchwc:Conv");

    /**
     * Opens {@code model} in ONNX Runtime with {@code intraOpThreads} threads and reads the optimized graph back.
     *
     * @throws IllegalStateException if ORT cannot open the model or the optimized file cannot be read
     */
    public static OptimizedGraph of(Path model, int intraOpThreads) {
        Path out = null;
        try {
            out = Files.createTempFile("condense-ort-optimized-", ".onnx");
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setIntraOpNumThreads(intraOpThreads);
                opts.setInterOpNumThreads(1);
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                opts.setOptimizedModelFilePath(out.toString());
                // ORT warns on stderr that an optimized model with NCHWc layouts is hardware specific: known, and it
                // is only read here, never run; the console stays the CLI's own
                opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                OrtEnvironment.getEnvironment().createSession(model.toAbsolutePath().toString(), opts).close();
            }
            try (InputStream in = Files.newInputStream(out)) {
                return of(ModelProto.parseFrom(in));
            }
        } catch (OrtException | IOException e) {
            throw new IllegalStateException("cannot read ONNX Runtime's optimized graph of " + model + ": "
                    + e.getMessage(), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** The node types of an (optimized) model. */
    public static OptimizedGraph of(ModelProto model) {
        Map<String, Integer> types = new TreeMap<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            String d = n.getDomain();
            types.merge(d.isEmpty() || d.equals("ai.onnx") ? n.getOpType() : d + ":" + n.getOpType(), 1, Integer::sum);
        }
        return new OptimizedGraph(Map.copyOf(types));
    }

    /** Nodes running integer kernels ({@code QLinearConv}, {@code MatMulInteger}, ...). */
    public int integerNodes() {
        return count(INTEGER_OPS);
    }

    /** Nodes computing convolutions or matrix products in float. */
    public int floatComputeNodes() {
        return count(FLOAT_COMPUTE);
    }

    /** One line for a report, e.g. {@code ORT runs QLinearConv x2, QLinearMatMul x1; float Conv/Gemm/MatMul x0}. */
    public String summary() {
        StringBuilder s = new StringBuilder("ONNX Runtime's optimized graph: ");
        new TreeMap<>(nodeTypes).forEach((t, c) -> s.append(t).append(" x").append(c).append(", "));
        s.setLength(s.length() - 2);
        s.append("; integer kernels ").append(integerNodes()).append(", float conv/matmul kernels ")
                .append(floatComputeNodes());
        return s.toString();
    }

    private int count(Set<String> ops) {
        return nodeTypes.entrySet().stream().filter(e -> ops.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    }
}
