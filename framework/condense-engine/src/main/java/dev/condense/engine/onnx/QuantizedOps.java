package dev.condense.engine.onnx;

import java.util.Locale;
import onnx.Onnx.ModelProto;

/** Which ONNX ops compute on quantized values: read by the importer (to refuse them) and the export stage's report. */
public final class QuantizedOps {
    private QuantizedOps() {
    }

    /**
     * True for ops that compute on quantized values or convert to or from them, in any domain: names starting with
     * {@code QLinear}, containing {@code Quantize} or {@code Integer} (ConvInteger, MatMulIntegerToFloat), and
     * com.microsoft's QGemm, QAttention, QEmbedLayerNormalization, QOrderedMatMul and kin ({@code Q} then an upper
     * case letter).
     */
    public static boolean is(String op) {
        return op.startsWith("QLinear") || op.toLowerCase(Locale.ROOT).contains("quantize")
                || op.contains("Integer")
                || (op.length() > 1 && op.charAt(0) == 'Q' && Character.isUpperCase(op.charAt(1)));
    }

    /** Whether any node of {@code model}'s main graph is such an op. */
    public static boolean any(ModelProto model) {
        return model.getGraph().getNodeList().stream().anyMatch(n -> is(n.getOpType()));
    }
}
