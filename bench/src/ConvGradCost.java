import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.onnx.OnnxExporter;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LeNet-5's convolution and pooling kernels at batch 128, libnd4j (oneDNN) against ONNX Runtime (MLAS), one thread:
 * args ROUNDS (`bench/run.sh ConvGradCost 7`). Thread CPU time per call (median and minimum over rounds of 10 calls,
 * candidates interleaved round by round), after a check that each ONNX Runtime graph computes libnd4j's values
 * (relative L2 printed). Rows: the first convolution's weight and bias gradient (x [128,1,28,28], dy [128,20,24,24],
 * 5x5) by libnd4j conv2d_bp, by the im2col + batched matmul + sums a plan ran before OrtConv, by ONNX Runtime as a
 * convolution of the transposed arrays (OrtConv's kernel) and by 25 slices + one Gemm; the second convolution's
 * backward and forward ([128,20,12,12] by 50 5x5 filters); the first convolution's forward; max pooling 2x2 forward
 * and libnd4j's backward at [128,20,24,24].
 */
public class ConvGradCost {
    static final ValueInfo.ElementType F = ValueInfo.ElementType.FLOAT;

    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int n = 128, oc = 20, k = 5, h = 28, o = 24;
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 1, h, h);
        INDArray dy = Nd4j.randn(DataType.FLOAT, n, oc, o, o);
        INDArray w = Nd4j.randn(DataType.FLOAT, k, k, 1, oc);   // YXIO
        INDArray b = Nd4j.zeros(DataType.FLOAT, oc);
        // reference: libnd4j conv2d_bp
        INDArray gi = Nd4j.zeros(DataType.FLOAT, n, 1, h, h), gw = Nd4j.zeros(DataType.FLOAT, k, k, 1, oc),
                gb = Nd4j.zeros(DataType.FLOAT, oc);
        DynamicCustomOp bp = DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, dy).addOutputs(gi, gw, gb)
                .addIntegerArguments(k, k, 1, 1, 0, 0, 1, 1, 0, 0, 0).build();
        // current plan path: im2col, batched matmul, sums
        INDArray col = Nd4j.zeros(DataType.FLOAT, n, 1, k, k, o, o);
        DynamicCustomOp im2col = DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(col)
                .addIntegerArguments(k, k, 1, 1, 0, 0, 1, 1, 0).addFloatingPointArguments(0.0).build();
        INDArray prod = Nd4j.zeros(DataType.FLOAT, n, oc, k * k);
        INDArray dw1 = Nd4j.zeros(DataType.FLOAT, oc, k * k), db1 = Nd4j.zeros(DataType.FLOAT, oc);
        Runnable current = () -> {
            Nd4j.exec(im2col);
            INDArray cols = col.reshape(n, k * k, o * o);
            INDArray dys = dy.reshape(n, oc, o * o);
            Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(dys, cols).addOutputs(prod)
                    .addIntegerArguments(0, 1, 0).build());
            prod.sum(dw1, 0);
            dy.sum(db1, 0, 2, 3);
        };
        // ONNX Runtime: batch as channels, dy transposed to weights
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession conv = session(env, ModelGraph.builder("c").input(new ValueInfo("x", F, new long[] {n, 1, h, h}))
                .input(new ValueInfo("dy", F, new long[] {n, oc, o, o}))
                .initializer("xs", Nd4j.createFromArray(1L, n, h, h))
                .initializer("r", Nd4j.createFromArray(oc, (long) n * o * o)).initializer("ax1", Nd4j.createFromArray(1L))
                .node(op("Reshape", "x1", "x", "xs"))
                .node(new Node("dyt", "Transpose", List.of("dy"), List.of("dyt"), Map.of("perm", new long[] {1, 0, 2, 3})))
                .node(op("Conv", "dw", "x1", "dyt"))
                .node(op("Reshape", "dy2", "dyt", "r"))
                .node(new Node("db", "ReduceSum", List.of("dy2", "ax1"), List.of("db"), Map.of("keepdims", 0L)))
                .output(new ValueInfo("dw", F, new long[] {1, oc, k, k})).output(new ValueInfo("db", F, new long[] {oc}))
                .build());
        // ONNX Runtime: im2col by 25 slices, one Gemm over N*oH*oW
        ModelGraph.Builder g = ModelGraph.builder("s").input(new ValueInfo("x", F, new long[] {n, 1, h, h}))
                .input(new ValueInfo("dy", F, new long[] {n, oc, o, o}))
                .initializer("axes", Nd4j.createFromArray(2L, 3L)).initializer("u0", Nd4j.createFromArray(0L))
                .initializer("r", Nd4j.createFromArray(oc, (long) n * o * o))
                .initializer("rc", Nd4j.createFromArray((long) k * k + 1, (long) n * o * o))
                .initializer("one", Nd4j.ones(DataType.FLOAT, 1, n, o, o))
                .node(new Node("dyt", "Transpose", List.of("dy"), List.of("dyt"), Map.of("perm", new long[] {1, 0, 2, 3})))
                .node(op("Reshape", "dy2", "dyt", "r"));
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                String s = "s" + i + j;
                g.initializer(s + "b", Nd4j.createFromArray((long) i, j)).initializer(s + "e", Nd4j.createFromArray((long) i + o, j + o));
                g.node(new Node(s, "Slice", List.of("x", s + "b", s + "e", "axes"), List.of(s), Map.of()));
                g.node(new Node(s + "t", "Transpose", List.of(s), List.of(s + "t"), Map.of("perm", new long[] {1, 0, 2, 3})));
                parts.add(s + "t");
            }
        }
        parts.add("one");
        g.node(new Node("col", "Concat", parts, List.of("col"), Map.of("axis", 0L)));
        g.node(op("Reshape", "col2", "col", "rc"));
        g.node(new Node("dwb", "Gemm", List.of("dy2", "col2"), List.of("dwb"), Map.of("transB", 1L)));
        g.output(new ValueInfo("dwb", F, new long[] {oc, k * k + 1}));
        OrtSession slices = session(env, g.build());
        Map<String, OnnxTensor> in = Map.of("x", wrap(env, x), "dy", wrap(env, dy));
        Runnable ortConv = () -> run(conv, in);
        Runnable ortSlices = () -> run(slices, in);

        // conv2: x [128,20,12,12], W YXIO [5,5,20,50], dy [128,50,8,8]
        INDArray x2 = Nd4j.randn(DataType.FLOAT, n, 20, 12, 12), w2 = Nd4j.randn(DataType.FLOAT, 5, 5, 20, 50),
                b2 = Nd4j.randn(DataType.FLOAT, 50), dy2 = Nd4j.randn(DataType.FLOAT, n, 50, 8, 8);
        INDArray gi2 = Nd4j.zeros(DataType.FLOAT, n, 20, 12, 12), gw2 = Nd4j.zeros(DataType.FLOAT, 5, 5, 20, 50),
                gb2 = Nd4j.zeros(DataType.FLOAT, 50), y2 = Nd4j.zeros(DataType.FLOAT, n, 50, 8, 8);
        DynamicCustomOp bp2 = DynamicCustomOp.builder("conv2d_bp").addInputs(x2, w2, b2, dy2).addOutputs(gi2, gw2, gb2)
                .addIntegerArguments(5, 5, 1, 1, 0, 0, 1, 1, 0, 0, 0).build();
        DynamicCustomOp fw2 = DynamicCustomOp.builder("conv2d").addInputs(x2, w2, b2).addOutputs(y2)
                .addIntegerArguments(5, 5, 1, 1, 0, 0, 1, 1, 0, 0, 0).build();
        OrtSession back2 = session(env, ModelGraph.builder("b2").input(new ValueInfo("x", F, new long[] {n, 20, 12, 12}))
                .input(new ValueInfo("w", F, new long[] {5, 5, 20, 50})).input(new ValueInfo("dy", F, new long[] {n, 50, 8, 8}))
                .initializer("r", Nd4j.createFromArray(50L, (long) n * 64)).initializer("ax1", Nd4j.createFromArray(1L))
                .node(new Node("xt", "Transpose", List.of("x"), List.of("xt"), Map.of("perm", new long[] {1, 0, 2, 3})))
                .node(new Node("dyt", "Transpose", List.of("dy"), List.of("dyt"), Map.of("perm", new long[] {1, 0, 2, 3})))
                .node(new Node("wo", "Transpose", List.of("w"), List.of("wo"), Map.of("perm", new long[] {3, 2, 0, 1})))
                .node(op("Conv", "dwt", "xt", "dyt"))
                .node(new Node("dw", "Transpose", List.of("dwt"), List.of("dw"), Map.of("perm", new long[] {2, 3, 0, 1})))
                .node(op("ConvTranspose", "dx", "dy", "wo"))
                .node(op("Reshape", "dy2", "dyt", "r"))
                .node(new Node("db", "ReduceSum", List.of("dy2", "ax1"), List.of("db"), Map.of("keepdims", 0L)))
                .output(new ValueInfo("dx", F, new long[] {n, 20, 12, 12})).output(new ValueInfo("dw", F, new long[] {5, 5, 20, 50}))
                .output(new ValueInfo("db", F, new long[] {50})).build());
        ModelGraph fg = ModelGraph.builder("f2").input(new ValueInfo("x", F, new long[] {n, 20, 12, 12}))
                .input(new ValueInfo("w", F, new long[] {5, 5, 20, 50})).input(new ValueInfo("b", F, new long[] {50}))
                .node(new Node("wo", "Transpose", List.of("w"), List.of("wo"), Map.of("perm", new long[] {3, 2, 0, 1})))
                .node(op("Conv", "y", "x", "wo", "b")).output(new ValueInfo("y", F, new long[] {n, 50, 8, 8})).build();
        OrtSession fwd2 = session(env, fg);
        OrtSession fwd2opt = sessionOpt(env, fg);
        Map<String, OnnxTensor> in2 = Map.of("x", wrap(env, x2), "w", wrap(env, w2), "dy", wrap(env, dy2));
        Map<String, OnnxTensor> inf2 = Map.of("x", wrap(env, x2), "w", wrap(env, w2), "b", wrap(env, b2));
        Nd4j.exec(bp2);
        try (OrtSession.Result r = back2.run(in2)) {
            System.out.printf("conv2 backward ort vs libnd4j: dx %.2e dW %.2e db %.2e%n",
                    rel(Nd4j.create((float[][][][]) r.get(0).getValue()), gi2),
                    rel(Nd4j.create((float[][][][]) r.get(1).getValue()), gw2),
                    rel(Nd4j.createFromArray((float[]) r.get(2).getValue()), gb2));
        }
        Nd4j.exec(fw2);
        try (OrtSession.Result r = fwd2.run(inf2)) {
            System.out.printf("conv2 forward ort vs libnd4j: y %.2e%n", rel(Nd4j.create((float[][][][]) r.get(0).getValue()), y2));
        }

        // conv1 forward, max pool forward/backward at [128,20,24,24]
        INDArray y1 = Nd4j.zeros(DataType.FLOAT, n, oc, o, o);
        DynamicCustomOp fw1 = DynamicCustomOp.builder("conv2d").addInputs(x, w, b).addOutputs(y1)
                .addIntegerArguments(5, 5, 1, 1, 0, 0, 1, 1, 0, 0, 0).build();
        ModelGraph f1 = ModelGraph.builder("f1").input(new ValueInfo("x", F, new long[] {n, 1, h, h}))
                .input(new ValueInfo("w", F, new long[] {5, 5, 1, oc})).input(new ValueInfo("b", F, new long[] {oc}))
                .node(new Node("wo", "Transpose", List.of("w"), List.of("wo"), Map.of("perm", new long[] {3, 2, 0, 1})))
                .node(op("Conv", "y", "x", "wo", "b")).output(new ValueInfo("y", F, new long[] {n, oc, o, o})).build();
        OrtSession fwd1 = session(env, f1);
        Map<String, OnnxTensor> inf1 = Map.of("x", wrap(env, x), "w", wrap(env, w), "b", wrap(env, b));
        Nd4j.exec(fw1);
        try (OrtSession.Result r = fwd1.run(inf1)) {
            System.out.printf("conv1 forward ort vs libnd4j: y %.2e%n", rel(Nd4j.create((float[][][][]) r.get(0).getValue()), y1));
        }
        INDArray py = Nd4j.zeros(DataType.FLOAT, n, oc, 12, 12), pdx = Nd4j.zeros(DataType.FLOAT, n, oc, o, o);
        INDArray pdy = Nd4j.randn(DataType.FLOAT, n, oc, 12, 12);
        DynamicCustomOp pool = DynamicCustomOp.builder("maxpool2d").addInputs(dy).addOutputs(py)
                .addIntegerArguments(2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0).build();
        DynamicCustomOp poolBp = DynamicCustomOp.builder("maxpool2d_bp").addInputs(dy, pdy).addOutputs(pdx)
                .addIntegerArguments(2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0).build();
        OrtSession poolOrt = session(env, ModelGraph.builder("p").input(new ValueInfo("x", F, new long[] {n, oc, o, o}))
                .node(new Node("y", "MaxPool", List.of("x"), List.of("y"), Map.of("kernel_shape", new long[] {2, 2},
                        "strides", new long[] {2, 2})))
                .output(new ValueInfo("y", F, new long[] {n, oc, 12, 12})).build());
        Map<String, OnnxTensor> inp = Map.of("x", wrap(env, dy));
        // check
        Nd4j.exec(bp);
        current.run();
        INDArray ref = gw.permute(3, 2, 0, 1).reshape(oc, k * k);
        System.out.printf("current vs conv2d_bp: dW %.2e db %.2e%n", rel(dw1, ref), rel(db1, gb));
        try (OrtSession.Result r = conv.run(in)) {
            float[][][][] d = (float[][][][]) r.get(0).getValue();
            INDArray dw = Nd4j.create(d).reshape(oc, k * k);
            System.out.printf("ort conv vs conv2d_bp: dW %.2e db %.2e%n", rel(dw, ref),
                    rel(Nd4j.createFromArray((float[]) r.get(1).getValue()), gb));
        }
        try (OrtSession.Result r = slices.run(in)) {
            INDArray dwb = Nd4j.create((float[][]) r.get(0).getValue());
            System.out.printf("ort slices vs conv2d_bp: dW %.2e db %.2e%n",
                    rel(dwb.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k * k)), ref),
                    rel(dwb.getColumn(k * k), gb));
        }
        String[] names = {"conv2d_bp (libnd4j)", "plan path (im2col+matmul+sums)", "ORT Transpose+Conv", "ORT slices+Gemm",
            "conv2 conv2d_bp libnd4j", "conv2 backward ORT", "conv2 forward libnd4j", "conv2 forward ORT", "conv2 forward ORT opt",
            "conv1 forward libnd4j", "conv1 forward ORT", "maxpool libnd4j", "maxpool ORT", "maxpool_bp libnd4j"};
        Runnable[] cands = {() -> Nd4j.exec(bp), current, ortConv, ortSlices, () -> Nd4j.exec(bp2), () -> run(back2, in2),
            () -> Nd4j.exec(fw2), () -> run(fwd2, inf2), () -> run(fwd2opt, inf2),
            () -> Nd4j.exec(fw1), () -> run(fwd1, inf1), () -> Nd4j.exec(pool), () -> run(poolOrt, inp), () -> Nd4j.exec(poolBp)};
        double[][] t = new double[cands.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < cands.length; c++) {
                long t0 = cpu();
                for (int i = 0; i < 10; i++) {
                    cands[c].run();
                }
                t[c][r] = (cpu() - t0) / 1e6 / 10;
            }
        }
        for (int c = 0; c < cands.length; c++) {
            Arrays.sort(t[c]);
            System.out.printf("%-34s %8.3f ms (min %.3f)%n", names[c], t[c][rounds / 2], t[c][0]);
        }
    }

    static double rel(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
    }

    static void run(OrtSession s, Map<String, OnnxTensor> in) {
        try (OrtSession.Result r = s.run(in)) {
            r.size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static OrtSession session(OrtEnvironment env, ModelGraph g) throws Exception {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        opts.setInterOpNumThreads(1);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        return env.createSession(new OnnxExporter().toBytes(g), opts);
    }

    static OrtSession sessionOpt(OrtEnvironment env, ModelGraph g) throws Exception {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        opts.setInterOpNumThreads(1);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return env.createSession(new OnnxExporter().toBytes(g), opts);
    }

    static OnnxTensor wrap(OrtEnvironment env, INDArray a) throws Exception {
        return OnnxTensor.createTensor(env, a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer(), a.shape());
    }

    static Node op(String type, String out, String... in) {
        return new Node(out, type, List.of(in), List.of(out), Map.of());
    }
}
