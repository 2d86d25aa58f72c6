package dev.condense.engine.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A convolution's weight (and bias) gradient without its input gradient, on ONNX Runtime: the kernel
 * {@link OpPlan} runs for a {@link ConvWeightGradients.Chain} instead of libnd4j's {@code im2col}, batched
 * {@code matmul} and sums (~11 ms against ~3 ms per LeNet-5 step: docs/benchmarks.md, issue 19, speed4 stream).
 *
 * <p>For x {@code [N, C, H, W]}, dy {@code [N, oC, oH, oW]}, kernel {@code kH x kW}, stride s, zero padding p,
 * dilation 1: {@code dW[o, c, i, j] = sum_{n, u, v} dy[n, o, u, v] x_p[n, c, s u + i, s v + j]}, which is a
 * convolution of x seen as a batch of C images with N channels ({@code Transpose} to {@code [C, N, H, W]}) by dy seen
 * as oC filters of N channels ({@code [oC, N, oH, oW]}), with stride 1, dilation s and padding p: output
 * {@code [C, oC, kH, kW]}, transposed to {@code [oC, C, kH, kW]} and written as {@code [oC, C*kH*kW]} (the chain's
 * {@code g}). The bias gradient {@code db[o] = sum_{n, u, v} dy[n, o, u, v]} is {@code ReduceSum} over the transposed
 * dy's rows. Same sums as the chain in another order: float rounding differs (relative 5e-6 on LeNet-5's first layer).
 * One session per shape and geometry, one thread, no graph optimization; tensors over the plan's own arrays.
 */
final class OrtConvWeightGradient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtConvWeightGradient.class);
    private static final ValueInfo.ElementType F = ValueInfo.ElementType.FLOAT;
    /** Whether planned steps use this kernel (system property {@code condense.plan.ortConvGradient}, default on). */
    static final boolean ON = !"false".equals(System.getProperty("condense.plan.ortConvGradient"));
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final Map<String, OrtSession> sessions = new HashMap<>();
    private final List<OnnxTensor> tensors = new ArrayList<>();

    /**
     * A kernel computing {@code chain}'s {@code g} into {@code dw} (and its bias gradient into {@code db}, null when
     * the chain has none) from the arrays {@code x} and {@code dy}, fixed for the plan; null when an array does not fit
     * or ONNX Runtime cannot build the graph (then the chain runs as recorded).
     */
    Runnable kernel(ConvWeightGradients.Chain chain, INDArray x, INDArray dy, INDArray dw, INDArray db) {
        INDArray[] all = db == null ? new INDArray[] {x, dy, dw} : new INDArray[] {x, dy, dw, db};
        if (!ON || !OrtArrays.fits(all) || !Arrays.equals(x.shape(), chain.xShape())
                || !Arrays.equals(dy.shape(), chain.dyShape())) {
            return null;
        }
        try {
            String key = Arrays.toString(chain.xShape()) + Arrays.toString(chain.dyShape())
                    + Arrays.toString(chain.geometry()) + (db != null);
            OrtSession s = sessions.get(key);
            if (s == null) {
                s = OrtArrays.session(env, graph(chain, db != null));
                sessions.put(key, s);
            }
            Map<String, OnnxTensor> in = Map.of("x", wrap(x), "dy", wrap(dy));
            Map<String, OnnxTensor> out = db == null ? Map.of("dw", wrap(dw)) : Map.of("dw", wrap(dw), "db", wrap(db));
            OrtSession session = s;
            return () -> {
                try (OrtSession.Result r = session.run(in, out)) {
                    if (r.size() != out.size()) {
                        throw new IllegalStateException("ONNX Runtime returned " + r.size() + " gradients");
                    }
                } catch (OrtException e) {
                    throw new IllegalStateException("ONNX Runtime failed in a weight gradient: " + e.getMessage(), e);
                }
            };
        } catch (OrtException | RuntimeException e) {
            LOG.warn("weight gradient of {} stays in libnd4j: {}", Arrays.toString(chain.xShape()), e.getMessage());
            return null;
        }
    }

    /** Inputs {@code x, dy}; outputs {@code dw [oC, C*kH*kW]} and, with {@code bias}, {@code db [oC]}. */
    static ModelGraph graph(ConvWeightGradients.Chain chain, boolean bias) {
        long[] xs = chain.xShape();
        long[] ys = chain.dyShape();
        long[] g = chain.geometry();   // kH, kW, sH, sW, pH, pW
        long[] swap = {1, 0, 2, 3};
        ModelGraph.Builder b = ModelGraph.builder("conv-weight-gradient").input(new ValueInfo("x", F, xs))
                .input(new ValueInfo("dy", F, ys))
                .initializer("dw_shape", Nd4j.createFromArray(ys[1], xs[1] * g[0] * g[1]))
                .node(transpose("xt", "x", swap)).node(transpose("dyt", "dy", swap))
                .node(new Node("wt", "Conv", List.of("xt", "dyt"), List.of("wt"), Map.of("strides", new long[] {1, 1},
                        "dilations", new long[] {g[2], g[3]}, "pads", new long[] {g[4], g[5], g[4], g[5]})))
                .node(transpose("w", "wt", swap))
                .node(new Node("dw", "Reshape", List.of("w", "dw_shape"), List.of("dw"), Map.of()))
                .output(new ValueInfo("dw", F, new long[] {ys[1], xs[1] * g[0] * g[1]}));
        if (bias) {
            b.initializer("rows", Nd4j.createFromArray(ys[1], ys[0] * ys[2] * ys[3]))
                    .initializer("axis", Nd4j.createFromArray(1L))
                    .node(new Node("dy2", "Reshape", List.of("dyt", "rows"), List.of("dy2"), Map.of()))
                    .node(new Node("db", "ReduceSum", List.of("dy2", "axis"), List.of("db"), Map.of("keepdims", 0L)))
                    .output(new ValueInfo("db", F, new long[] {ys[1]}));
        }
        return b.build();
    }

    private static Node transpose(String out, String in, long[] perm) {
        return new Node(out, "Transpose", List.of(in), List.of(out), Map.of("perm", perm));
    }

    private OnnxTensor wrap(INDArray a) throws OrtException {
        OnnxTensor t = OrtArrays.wrap(env, a);
        tensors.add(t);
        return t;
    }

    @Override
    public void close() {
        tensors.forEach(OnnxTensor::close);
        tensors.clear();
        for (OrtSession s : sessions.values()) {
            try {
                s.close();
            } catch (OrtException e) {
                LOG.debug("closing a weight-gradient session: {}", e.getMessage());
            }
        }
        sessions.clear();
    }
}
