import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.onnx.OnnxExporter;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Where a 3x3, stride-1, pad-1 convolution's backward pass goes, and what else could compute it: args C O H (input
 * channels, output channels, height = width; batch 128). Prints the median thread CPU time of 20 calls (after 3
 * warm-up calls) of: libnd4j's {@code conv2d_bp} (oneDNN; both gradients and the bias gradient), {@code conv2d}
 * forward, the input gradient as a forward {@code conv2d} of dy by the swapped kernel, the same backward in NHWC, the
 * weight gradient as a {@code conv2d} of x^T by dy (dy as an H x W kernel), as nine {@code cblas_sgemm} over shifted
 * zero-padded [C, N*(H+2)*(W+2)] rows (plus the two padded transposes), and as ONNX Runtime's Conv of the transposed
 * tensors (as {@code OrtConv.kernel} builds it); each alternative's weight gradient is checked against conv2d_bp's.
 * resnet-20-small's stage 1 is {@code 8 8 28} (docs/benchmarks.md, issue 19, fifteenth session).
 */
public class ConvBackwardParts {
    static double time(String name, Runnable r) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        double[] ms = new double[20];
        for (int i = 0; i < ms.length; i++) {
            long t = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            r.run();
            ms[i] = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%-58s %7.2f ms (min %.2f)%n", name, ms[ms.length / 2], ms[0]);
        return ms[ms.length / 2];
    }

    static OnnxTensor tensor(OrtEnvironment env, INDArray a) throws Exception {
        return OnnxTensor.createTensor(env, a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer(), a.shape());
    }

    public static void main(String[] args) throws Exception {
        int n = 128, c = Integer.parseInt(args[0]), o = Integer.parseInt(args[1]), h = Integer.parseInt(args[2]), w = h;
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(n, c, h, w), k = Nd4j.randn(3, 3, c, o).muli(0.1), b = Nd4j.zeros(o);
        INDArray dy = Nd4j.randn(n, o, h, w);
        INDArray dx = Nd4j.create(n, c, h, w), dw = Nd4j.create(3, 3, c, o), db = Nd4j.create(o);
        int[] nchw = {3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0};
        int[] nhwc = {3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0};
        DynamicCustomOp bp = DynamicCustomOp.builder("conv2d_bp").addInputs(x, k, b, dy).addOutputs(dx, dw, db)
                .addIntegerArguments(nchw).build();
        time("libnd4j conv2d_bp (dx, dW, db)", () -> Nd4j.exec(bp));
        INDArray y = Nd4j.create(n, o, h, w);
        DynamicCustomOp fw = DynamicCustomOp.builder("conv2d").addInputs(x, k, b).addOutputs(y)
                .addIntegerArguments(nchw).build();
        time("libnd4j conv2d forward", () -> Nd4j.exec(fw));
        INDArray swapped = k.permute(0, 1, 3, 2).dup('c');   // [3, 3, o, c]; flipping does not change the cost
        INDArray dx2 = Nd4j.create(n, c, h, w);
        DynamicCustomOp dg = DynamicCustomOp.builder("conv2d").addInputs(dy, swapped).addOutputs(dx2)
                .addIntegerArguments(nchw).build();
        time("input gradient as a forward conv2d", () -> Nd4j.exec(dg));
        INDArray xh = x.permute(0, 2, 3, 1).dup('c'), dyh = dy.permute(0, 2, 3, 1).dup('c'), dxh = Nd4j.create(n, h, w, c);
        DynamicCustomOp bph = DynamicCustomOp.builder("conv2d_bp").addInputs(xh, k, b, dyh)
                .addOutputs(dxh, Nd4j.create(3, 3, c, o), Nd4j.create(o)).addIntegerArguments(nhwc).build();
        time("libnd4j conv2d_bp in NHWC", () -> Nd4j.exec(bph));
        Nd4j.exec(bp);

        // weight gradient as a conv2d: input x^T [c, n, h, w], kernel dy as [h, w, n, o], pad 1 -> [c, o, 3, 3]
        INDArray xT = x.permute(1, 0, 2, 3).dup('c'), dyK = dy.permute(2, 3, 0, 1).dup('c');
        INDArray wg = Nd4j.create(c, o, 3, 3);
        DynamicCustomOp cv = DynamicCustomOp.builder("conv2d").addInputs(xT, dyK).addOutputs(wg)
                .addIntegerArguments(h, w, 1, 1, 1, 1, 1, 1, 0, 0, 0).build();
        time("weight gradient as conv2d (x^T by dy; transposes not timed)", () -> Nd4j.exec(cv));
        check("conv2d", wg.permute(2, 3, 0, 1), dw);

        // weight gradient as 9 GEMMs over shifted rows of zero-padded [C, N*(H+2)*(W+2)] (zero rows absorb the shifts)
        int plane = (h + 2) * (w + 2), margin = w + 3;
        long rows = (long) n * plane, ld = rows + 2L * margin;
        INDArray xp = Nd4j.zeros(c, ld), dyp = Nd4j.zeros(o, ld);
        INDArray xIn = xp.get(NDArrayIndex.all(), NDArrayIndex.interval(margin, margin + rows)).reshape(c, n, h + 2, w + 2)
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, h + 1), NDArrayIndex.interval(1, w + 1));
        INDArray dyIn = dyp.get(NDArrayIndex.all(), NDArrayIndex.interval(margin, margin + rows)).reshape(o, n, h + 2, w + 2)
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, h + 1), NDArrayIndex.interval(1, w + 1));
        INDArray taps = Nd4j.create(9, o, c);
        FloatPointer px = new FloatPointer(xp.data().addressPointer()), pdy = new FloatPointer(dyp.data().addressPointer());
        FloatPointer pt = new FloatPointer(taps.data().addressPointer());
        time("  its two padded transposes", () -> {
            xIn.assign(x.permute(1, 0, 2, 3));
            dyIn.assign(dy.permute(1, 0, 2, 3));
        });
        time("weight gradient as 9 sgemm (M = O, N = C, K = N(H+2)(W+2))", () -> {
            for (int t = 0; t < 9; t++) {
                long shift = (long) (t / 3 - 1) * (w + 2) + (t % 3 - 1);
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, o, c, (int) rows, 1f, pdy.position(margin), (int) ld,
                        px.position(margin + shift), (int) ld, 0f, pt.position((long) t * o * c), c);
            }
        });
        check("9 sgemm", taps.reshape(3, 3, o, c).permute(0, 1, 3, 2), dw);

        // ONNX Runtime: Transpose x and dy, Conv, as OrtConv.kernel
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ValueInfo.ElementType f = ValueInfo.ElementType.FLOAT;
        long[] swap = {1, 0, 2, 3};
        ModelGraph g = ModelGraph.builder("wg").input(new ValueInfo("x", f, new long[] {n, c, h, w}))
                .input(new ValueInfo("dy", f, new long[] {n, o, h, w}))
                .node(new Node("xt", "Transpose", List.of("x"), List.of("xt"), Map.of("perm", swap)))
                .node(new Node("dyt", "Transpose", List.of("dy"), List.of("dyt"), Map.of("perm", swap)))
                .node(new Node("wt", "Conv", List.of("xt", "dyt"), List.of("wt"), Map.of("pads", new long[] {1, 1, 1, 1})))
                .output(new ValueInfo("wt", f, new long[] {c, o, 3, 3})).build();
        INDArray ortW = Nd4j.create(c, o, 3, 3);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            try (OrtSession s = env.createSession(new OnnxExporter().toBytes(g), opts);
                 OnnxTensor tx = tensor(env, x); OnnxTensor tdy = tensor(env, dy); OnnxTensor tw = tensor(env, ortW)) {
                time("weight gradient on ONNX Runtime (Transpose x2, Conv)", () -> {
                    try {
                        s.run(Map.of("x", tx, "dy", tdy), Map.of("wt", tw)).close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
        check("ONNX Runtime", ortW.permute(2, 3, 0, 1), dw);
    }

    static void check(String what, INDArray mine, INDArray reference) {
        double err = mine.sub(reference).amaxNumber().doubleValue() / reference.amaxNumber().doubleValue();
        System.out.printf("  %s's weight gradient vs conv2d_bp's: max relative difference %.1e%n", what, err);
        if (err > 1e-4) {
            throw new IllegalStateException(what + " computes another weight gradient");
        }
    }
}
