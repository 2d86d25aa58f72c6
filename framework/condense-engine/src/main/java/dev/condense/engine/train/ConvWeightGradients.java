package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Im2col;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;

/**
 * The weight-only convolution backwards of a recorded step ({@link ConvOp}'s path for a first convolution): the
 * chain {@code col = im2col(x)}, {@code cols = reshape(col) [N, C*kH*kW, oH*oW]}, {@code dys = reshape(dy)
 * [N, oC, oH*oW]}, {@code p = matmul(dys, cols^T) [N, oC, C*kH*kW]}, {@code g = sum_0(p) [oC, C*kH*kW]}, and the
 * bias gradient {@code sum_{0,2,3}(dy) [oC]} when the step has one. libnd4j's {@code im2col} and the batched
 * {@code matmul} cost LeNet-5 ~9 ms of a ~40 ms step (docs/benchmarks.md, issue 19, speed4 stream); {@link OpPlan}
 * runs each chain found here as one {@link OrtConv} kernel at the position of {@code g}'s op and skips
 * the other ops of the chain.
 *
 * <p>A chain is taken only whole and exact: every op of it of the class and arguments above (c-order reshapes, no
 * transposes but {@code cols}', zero padding), each intermediate read by the next op of the chain alone, {@code x}
 * computed by an op of the step (not a placeholder, which is rebound every step), stride any, dilation 1, VALID
 * padding mode and input rows the windows cover exactly ({@code H + 2 pH - kH} a multiple of {@code sH}; likewise for
 * the width), and the bias sum's readers all after {@code g}'s op.
 */
final class ConvWeightGradients {
    /**
     * One chain: {@code kernelAt} the index of {@code g}'s op, {@code biasAt} the bias sum's (or -1), {@code dropped}
     * the other ops; {@code x}, {@code dy} the inputs' names; {@code geometry} {@code kH, kW, sH, sW, pH, pW}; the
     * shapes of x {@code [N, C, H, W]} and dy {@code [N, oC, oH, oW]}.
     */
    record Chain(int kernelAt, int biasAt, Set<Integer> dropped, String x, String dy, long[] geometry, long[] xShape,
                 long[] dyShape) {
    }

    private final Map<Integer, Chain> byKernel = new HashMap<>();
    private final Map<Integer, Chain> byBias = new HashMap<>();
    private final Map<Integer, Chain> byDropped = new HashMap<>();

    private ConvWeightGradients() {
    }

    /** No chains (the kernel is switched off). */
    static ConvWeightGradients none() {
        return new ConvWeightGradients();
    }

    /** The chains of {@code recorded} (ops in execution order with their outputs). */
    static ConvWeightGradients find(List<OpRecorder.Executed> recorded) {
        ConvWeightGradients found = new ConvWeightGradients();
        Map<String, long[]> shapes = new HashMap<>();   // c-order outputs of the step's ops
        for (OpRecorder.Executed r : recorded) {
            List<String> names = r.op().getOutputsOfOp();
            for (int k = 0; k < names.size() && k < r.outputs().size(); k++) {
                OpRecorder.Output o = r.outputs().get(k);
                if (o != null && o.order() == 'c') {
                    shapes.put(names.get(k), o.shape());
                }
            }
        }
        Map<String, Integer> producer = new HashMap<>();
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int i = 0; i < recorded.size(); i++) {
            SameDiffOp op = recorded.get(i).op();
            for (String in : op.getInputsToOp() == null ? List.<String>of() : op.getInputsToOp()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            for (String out : op.getOutputsOfOp()) {
                producer.put(out, i);
            }
        }
        for (int i = 0; i < recorded.size(); i++) {
            if (recorded.get(i).op().getOp() instanceof Im2col) {
                Chain c = chain(recorded, i, producer, readers, shapes);
                if (c != null) {
                    found.byKernel.put(c.kernelAt(), c);
                    if (c.biasAt() >= 0) {
                        found.byBias.put(c.biasAt(), c);
                    }
                    c.dropped().forEach(d -> found.byDropped.put(d, c));
                }
            }
        }
        return found;
    }

    private static Chain chain(List<OpRecorder.Executed> rec, int im2col, Map<String, Integer> producer,
                               Map<String, List<Integer>> readers, Map<String, long[]> shapes) {
        SameDiffOp colOp = rec.get(im2col).op();
        long[] a = ((DynamicCustomOp) colOp.getOp()).iArgs();
        double[] t = ((DynamicCustomOp) colOp.getOp()).tArgs();
        String x = single(colOp.getInputsToOp());
        long[] xs = x == null ? null : shapes.get(x);
        if (a.length != 9 || a[6] != 1 || a[7] != 1 || a[8] != 0 || (t.length > 0 && t[0] != 0) || xs == null
                || xs.length != 4 || !producer.containsKey(x)) {
            return null;
        }
        int reshapeCol = onlyReader(readers, colOp.getOutputsOfOp().get(0), rec, Reshape.class);
        if (reshapeCol < 0 || !cOrder(rec.get(reshapeCol).op())) {
            return null;
        }
        long[] colShape = rec.get(reshapeCol).outputs().get(0).shape();
        if (colShape.length != 3 || !Arrays.equals(colShape, new long[] {xs[0], xs[1] * a[0] * a[1], colShape[2]})) {
            return null;
        }
        int mm = onlyReader(readers, rec.get(reshapeCol).op().getOutputsOfOp().get(0), rec, Mmul.class);
        if (mm < 0 || !Arrays.equals(((Mmul) rec.get(mm).op().getOp()).iArgs(), new long[] {0, 1, 0})
                || !plainScaling((Mmul) rec.get(mm).op().getOp())) {
            return null;
        }
        List<String> mmIn = rec.get(mm).op().getInputsToOp();
        Integer reshapeDy = producer.get(mmIn.get(0));
        if (mmIn.size() != 2 || !mmIn.get(1).equals(rec.get(reshapeCol).op().getOutputsOfOp().get(0))
                || reshapeDy == null || !(rec.get(reshapeDy).op().getOp() instanceof Reshape)
                || !cOrder(rec.get(reshapeDy).op()) || readers.get(mmIn.get(0)).size() != 1) {
            return null;
        }
        String dy = rec.get(reshapeDy).op().getInputsToOp().get(0);
        long[] dys = shapes.get(dy);
        if (dys == null || dys.length != 4 || !Arrays.equals(rec.get(reshapeDy).outputs().get(0).shape(),
                new long[] {dys[0], dys[1], dys[2] * dys[3]}) || colShape[2] != dys[2] * dys[3]) {
            return null;
        }
        int sum = onlyReader(readers, rec.get(mm).op().getOutputsOfOp().get(0), rec, Sum.class);
        if (sum < 0 || !dims(rec.get(sum).op(), 0)
                || !fits(a, xs, dys, rec.get(sum).outputs().get(0).shape())) {
            return null;
        }
        int bias = biasSum(rec, readers, dy, sum);
        return new Chain(sum, bias, Set.of(im2col, reshapeCol, reshapeDy, mm), x, dy,
                Arrays.copyOf(a, 6), xs, dys);
    }

    /** Whether the windows of {@code a} over x give dy's spatial size exactly and {@code g} is {@code [oC, C*kH*kW]}. */
    private static boolean fits(long[] a, long[] xs, long[] dys, long[] g) {
        for (int d = 0; d < 2; d++) {
            long span = xs[2 + d] + 2 * a[4 + d] - a[d];
            if (a[2 + d] < 1 || span < 0 || span % a[2 + d] != 0 || span / a[2 + d] + 1 != dys[2 + d]) {
                return false;
            }
        }
        return xs[0] == dys[0] && Arrays.equals(g, new long[] {dys[1], xs[1] * a[0] * a[1]});
    }

    /** The index of a {@code sum_{0,2,3}(dy)} whose readers all come after {@code after}, or -1. */
    private static int biasSum(List<OpRecorder.Executed> rec, Map<String, List<Integer>> readers, String dy, int after) {
        for (int i : readers.getOrDefault(dy, List.of())) {
            SameDiffOp op = rec.get(i).op();
            if (op.getOp() instanceof Sum && i < after && op.getInputsToOp().size() == 1 && dims(op, 0, 2, 3)
                    && readers.getOrDefault(op.getOutputsOfOp().get(0), List.of()).stream().allMatch(r -> r > after)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean dims(SameDiffOp op, long... expected) {
        ReduceOp r = (ReduceOp) op.getOp();
        return !r.isKeepDims() && r.dimensions() != null
                && Arrays.equals(r.dimensions().toLongVector(), expected);
    }

    private static boolean cOrder(SameDiffOp op) {
        long[] i = ((DynamicCustomOp) op.getOp()).iArgs();
        return op.getInputsToOp().size() == 1 && i.length > 0 && i[0] == -'c';
    }

    private static boolean plainScaling(Mmul m) {
        double[] t = m.tArgs();
        return t.length == 0 || t.length == 2 && t[0] == 1.0 && t[1] == 0.0;
    }

    private static int onlyReader(Map<String, List<Integer>> readers, String value, List<OpRecorder.Executed> rec,
                                  Class<? extends DifferentialFunction> type) {
        List<Integer> r = readers.getOrDefault(value, List.of());
        return r.size() == 1 && type.isInstance(rec.get(r.get(0)).op().getOp()) ? r.get(0) : -1;
    }

    private static String single(List<String> names) {
        return names != null && names.size() == 1 ? names.get(0) : null;
    }

    /** The chain whose kernel runs at op {@code index}, or null. */
    Chain kernelAt(int index) {
        return byKernel.get(index);
    }

    /** Whether op {@code index} is skipped (an intermediate op of a chain, or a bias sum the kernel computes). */
    boolean skipped(int index) {
        return byDropped.containsKey(index) || byBias.containsKey(index);
    }

    /** What op {@code index} reads in the plan: a chain's x and dy at its kernel, else {@code inputs}. */
    List<String> inputsAt(int index, List<String> inputs) {
        Chain c = byKernel.get(index);
        return c == null ? inputs : List.of(c.x(), c.dy());
    }

    /** Chains found. */
    int size() {
        return byKernel.size();
    }
}
