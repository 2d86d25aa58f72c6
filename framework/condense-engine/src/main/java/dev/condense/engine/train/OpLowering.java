package dev.condense.engine.train;

import dev.condense.api.model.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * SameDiff lowering and static shape rule of each supported op (ONNX semantics, opset 13).
 *
 * <p>Shapes use {@code -1} for the dynamic batch axis.
 */
final class OpLowering {
    static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Flatten",
            "Identity", "Softmax");

    private OpLowering() {
    }

    static SDVariable lower(SameDiff sd, Node n, List<SDVariable> a, List<long[]> shapes) {
        String name = n.output();
        return switch (n.opType()) {
            case "Gemm" -> gemm(sd, n, a);
            case "MatMul" -> sd.mmul(name, a.get(0), a.get(1));
            case "Add" -> a.get(0).add(name, a.get(1));
            case "Sub" -> a.get(0).sub(name, a.get(1));
            case "Mul" -> a.get(0).mul(name, a.get(1));
            case "Div" -> a.get(0).div(name, a.get(1));
            case "Relu" -> sd.nn.relu(name, a.get(0), 0.0);
            case "Identity" -> sd.identity(name, a.get(0));
            case "Softmax" -> sd.nn.softmax(name, a.get(0), (int) n.intAttr("axis", -1));
            case "Flatten" -> sd.reshape(name, a.get(0), outputShape(n, shapes));
            default -> throw new IllegalArgumentException("op " + n.opType() + " (node '" + n.name()
                    + "') cannot be lowered to SameDiff; supported: " + new java.util.TreeSet<>(SUPPORTED));
        };
    }

    private static SDVariable gemm(SameDiff sd, Node n, List<SDVariable> a) {
        boolean transA = n.intAttr("transA", 0) != 0;
        boolean transB = n.intAttr("transB", 0) != 0;
        double alpha = n.floatAttr("alpha", 1.0);
        double beta = n.floatAttr("beta", 1.0);
        SDVariable y = sd.mmul(a.get(0), a.get(1), transA, transB, false);
        if (alpha != 1.0) {
            y = y.mul(alpha);
        }
        if (a.size() > 2 && a.get(2) != null) {
            SDVariable c = beta == 1.0 ? a.get(2) : a.get(2).mul(beta);
            return y.add(n.output(), c);
        }
        return sd.identity(n.output(), y);
    }

    /** Static output shape of {@code n} given its input shapes. */
    static long[] outputShape(Node n, List<long[]> in) {
        return switch (n.opType()) {
            case "Gemm" -> new long[] {
                    in.get(0)[n.intAttr("transA", 0) != 0 ? 1 : 0],
                    in.get(1)[n.intAttr("transB", 0) != 0 ? 0 : 1]};
            case "MatMul" -> new long[] {in.get(0)[0], in.get(1)[in.get(1).length - 1]};
            case "Add", "Sub", "Mul", "Div" -> broadcast(in.get(0), in.get(1));
            case "Flatten" -> flatten(in.get(0), (int) n.intAttr("axis", 1));
            default -> in.get(0).clone();
        };
    }

    private static long[] flatten(long[] s, int axis) {
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < s.length; i++) {
            if (i < axis) {
                outer = s[i] < 0 || outer < 0 ? -1 : outer * s[i];
            } else {
                inner *= s[i];
            }
        }
        return new long[] {outer, inner};
    }

    private static long[] broadcast(long[] x, long[] y) {
        int rank = Math.max(x.length, y.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long dx = i < rank - x.length ? 1 : x[i - (rank - x.length)];
            long dy = i < rank - y.length ? 1 : y[i - (rank - y.length)];
            if (dx != dy && dx != 1 && dy != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(x) + " and " + Arrays.toString(y)
                        + " do not broadcast");
            }
            out[i] = dx == 1 ? dy : dx;
        }
        return out;
    }
}
