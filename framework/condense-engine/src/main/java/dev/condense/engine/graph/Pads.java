package dev.condense.engine.graph;

import dev.condense.api.model.Node;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The padding of an ONNX Pad node: {@code [x1_begin, x2_begin, ..., x1_end, x2_end, ...]} (length {@code 2 * rank}),
 * from the {@code pads} input (opset 11+, an initializer) or the {@code pads} attribute (opset 2-10), and the
 * constant fill value ({@code constant_value} input or {@code value} attribute, default 0). Only
 * {@code mode=constant} is supported.
 */
public final class Pads {
    private Pads() {
    }

    /** The pads of {@code n} for an input of rank {@code rank}. */
    public static long[] of(Node n, Map<String, INDArray> consts, int rank) {
        String mode = (String) n.attributes().getOrDefault("mode", "constant");
        if (!mode.equals("constant")) {
            throw new IllegalArgumentException("Pad node '" + n.name() + "': mode '" + mode
                    + "' is not supported (constant only)");
        }
        long[] pads = n.inputs().size() > 1 && !n.inputs().get(1).isEmpty()
                ? ShapeInference.constant(n, 1, consts).toLongVector() : n.intsAttr("pads", null);
        if (pads == null || pads.length != 2 * rank) {
            throw new IllegalArgumentException("Pad node '" + n.name() + "' needs 2 * rank = " + 2 * rank + " pads");
        }
        return pads;
    }

    /** The constant fill value of {@code n}. */
    public static double value(Node n, Map<String, INDArray> consts) {
        if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
            return ShapeInference.constant(n, 2, consts).getDouble(0);
        }
        return n.floatAttr("value", 0.0);
    }
}
