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
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Convolution kernels of a planned step on ONNX Runtime, where libnd4j's are far slower (docs/benchmarks.md, issue 19,
 * speed4 stream; thread CPU time per LeNet-5 call): the weight (and bias) gradient of a convolution whose input
 * gradient nobody reads ({@link #kernel}, for a {@link ConvWeightGradients.Chain}: ~2.6 ms against ~11 ms for
 * libnd4j's {@code im2col}, batched {@code matmul} and sums), and the forward pass of a convolution of one input
 * channel ({@link #forward}: MLAS 1.2 ms against oneDNN's 2.6 ms at {@code [128, 1, 28, 28]} by 20 filters 5x5; with
 * more input channels oneDNN is as fast or faster, so those stay libnd4j's).
 *
 * <p>Weight gradient.
 * <p>For x {@code [N, C, H, W]}, dy {@code [N, oC, oH, oW]}, kernel {@code kH x kW}, stride s, zero padding p,
 * dilation 1: {@code dW[o, c, i, j] = sum_{n, u, v} dy[n, o, u, v] x_p[n, c, s u + i, s v + j]}, which is a
 * convolution of x seen as a batch of C images with N channels ({@code Transpose} to {@code [C, N, H, W]}) by dy seen
 * as oC filters of N channels ({@code [oC, N, oH, oW]}), with stride 1, dilation s and padding p: output
 * {@code [C, oC, kH, kW]}, transposed to {@code [oC, C, kH, kW]} and written as {@code [oC, C*kH*kW]} (the chain's
 * {@code g}). The bias gradient {@code db[o] = sum_{n, u, v} dy[n, o, u, v]} is {@code ReduceSum} over the transposed
 * dy's rows. Same sums as the chain in another order: float rounding differs (relative 5e-6 on LeNet-5's first layer).
 *
 * <p>Forward: {@link ConvOp}'s {@code conv2d} (NCHW, weights {@code [kH, kW, 1, oC]}, VALID mode with symmetric
 * padding, any stride and dilation) as {@code Conv(x, Transpose(w), b)}; float rounding differs from oneDNN's
 * (relative ~5e-7). One session per shape and geometry, one thread, no graph optimization; tensors over the plan's
 * own arrays.
 */
final class OrtConv implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtConv.class);
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
            return run(s, in, out);
        } catch (OrtException | RuntimeException e) {
            LOG.warn("weight gradient of {} stays in libnd4j: {}", Arrays.toString(chain.xShape()), e.getMessage());
            return null;
        }
    }

    /**
     * A kernel computing {@link ConvOp}'s forward {@code fn} from {@code ins} ({@code x [N, 1, H, W]}, {@code w}, and
     * the bias if any) into {@code outs} (fixed for the plan), or null when {@code fn} is not such a convolution of
     * one input channel or an array does not fit.
     */
    Runnable forward(DifferentialFunction fn, INDArray[] ins, INDArray[] outs) {
        if (!ON || !(fn instanceof ConvOp c) || ins.length < 2 || ins.length > 3 || outs.length != 1
                || !OrtArrays.fits(ins) || !OrtArrays.fits(outs) || ins[0].rank() != 4 || ins[0].size(1) != 1) {
            return null;
        }
        long[] a = c.iArgs();
        if (a.length < 11 || a[8] != 0 || a[9] != 0 || a[10] != 0 || ins[1].rank() != 4 || ins[1].size(2) != 1) {
            return null;
        }
        try {
            String key = "forward" + Arrays.toString(ins[0].shape()) + Arrays.toString(ins[1].shape())
                    + Arrays.toString(Arrays.copyOf(a, 8)) + ins.length;
            OrtSession s = sessions.get(key);
            if (s == null) {
                s = OrtArrays.session(env, forwardGraph(ins[0].shape(), ins[1].shape(), outs[0].shape(), a,
                        ins.length == 3));
                sessions.put(key, s);
            }
            Map<String, OnnxTensor> in = new HashMap<>(Map.of("x", wrap(ins[0]), "w", wrap(ins[1])));
            if (ins.length == 3) {
                in.put("b", wrap(ins[2]));
            }
            return run(s, in, Map.of("y", wrap(outs[0])));
        } catch (OrtException | RuntimeException e) {
            LOG.warn("convolution of {} stays in libnd4j: {}", Arrays.toString(ins[0].shape()), e.getMessage());
            return null;
        }
    }

    /** Inputs {@code x, w [kH, kW, C, oC][, b]}; output {@code y}; {@code a} libnd4j's conv2d integer arguments. */
    static ModelGraph forwardGraph(long[] xs, long[] ws, long[] ys, long[] a, boolean bias) {
        List<String> in = bias ? List.of("x", "wo", "b") : List.of("x", "wo");
        ModelGraph.Builder b = ModelGraph.builder("conv-forward").input(new ValueInfo("x", F, xs))
                .input(new ValueInfo("w", F, ws));
        if (bias) {
            b.input(new ValueInfo("b", F, new long[] {ws[3]}));
        }
        return b.node(transpose("wo", "w", new long[] {3, 2, 0, 1}))
                .node(new Node("y", "Conv", in, List.of("y"), Map.of("strides", new long[] {a[2], a[3]},
                        "dilations", new long[] {a[6], a[7]}, "pads", new long[] {a[4], a[5], a[4], a[5]})))
                .output(new ValueInfo("y", F, ys)).build();
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

    private static Runnable run(OrtSession session, Map<String, OnnxTensor> in, Map<String, OnnxTensor> out) {
        return () -> {
            try (OrtSession.Result r = session.run(in, out)) {
                if (r.size() != out.size()) {
                    throw new IllegalStateException("ONNX Runtime returned " + r.size() + " of " + out.size()
                            + " convolution outputs");
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed in a convolution: " + e.getMessage(), e);
            }
        };
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
        OrtArrays.closeAll(tensors, sessions, LOG, "weight-gradient");
    }
}
