package dev.condense.engine.train;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.Pads;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.graph.SliceSpec;
import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SameDiff lowering of data-movement ops: Transpose, Concat, Pad (constant mode), Slice (positive steps), and the static reshape target
 * used by Flatten and Reshape.
 */
final class TensorLowering {

    private TensorLowering() {
    }

    static SDVariable lower(LowerContext c, Node n, List<SDVariable> a) {
        SameDiff sd = c.sd();
        int rank = c.shape(n.inputs().get(0)).length;
        return switch (n.opType()) {
            case "Transpose" -> sd.permute(n.output(), a.get(0), perm(n.intsAttr("perm", null), rank));
            case "Concat" -> sd.concat(n.output(), (int) ShapeInference.axis(n.intAttr("axis", 0), rank),
                    a.toArray(new SDVariable[0]));
            case "Pad" -> pad(sd, n.output(), a.get(0), Pads.of(n, c.consts(), rank), Pads.value(n, c.consts()));
            case "Slice" -> slice(sd, n, a.get(0), SliceSpec.of(n, c.shape(n.inputs().get(0)), c.consts()));
            default -> throw new IllegalArgumentException("not a data-movement op: " + n.opType());
        };
    }

    /**
     * Pads {@code x} with {@code value}.
     *
     * @param pads ONNX layout {@code [x1_begin, ..., xr_begin, x1_end, ..., xr_end]}
     */
    static SDVariable pad(SameDiff sd, String name, SDVariable x, long[] pads, double value) {
        int rank = pads.length / 2;
        int[][] p = new int[rank][2];
        for (int i = 0; i < rank; i++) {
            p[i][0] = (int) pads[i];
            p[i][1] = (int) pads[i + rank];
        }
        SDVariable paddings = sd.constant(name + ".paddings", Nd4j.createFromArray(p));
        return sd.nn.pad(name, x, paddings, PadMode.CONSTANT, value);
    }

    /**
     * Slice as a strided slice over every axis; a dynamic axis (never cut, {@link SliceSpec}) is taken whole
     * through the begin/end masks.
     */
    private static SDVariable slice(SameDiff sd, Node n, SDVariable x, SliceSpec s) {
        long[] begin = s.begin().clone();
        long[] end = s.end().clone();
        int wholeMask = 0;
        for (int a = 0; a < end.length; a++) {
            if (end[a] < 0) {
                wholeMask |= 1 << a;
                begin[a] = 0;
                end[a] = 0;
            }
        }
        return sd.stridedSlice(n.output(), x, begin, end, s.step(), wholeMask, wholeMask, 0, 0, 0);
    }

    /** A reshape target for SameDiff from a static shape: at most one dynamic ({@code -1}) dimension. */
    static long[] dynamicShape(long[] shape) {
        if (Arrays.stream(shape).filter(d -> d < 0).count() > 1) {
            throw new IllegalArgumentException("cannot reshape to " + Arrays.toString(shape)
                    + ": more than one dynamic dimension");
        }
        return shape.clone();
    }

    private static int[] perm(long[] perm, int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = perm == null ? rank - 1 - i : (int) perm[i];
        }
        return p;
    }
}
