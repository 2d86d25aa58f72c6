package dev.condense.engine.onnx;

/**
 * A model file Condense cannot read: not an ONNX protobuf, truncated, empty, too large, or using an operator,
 * attribute or tensor type outside {@link SupportedOps}. The message always names the file and, where one is
 * involved, the node and op type, so it can be shown to a user as is.
 */
public class OnnxFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
