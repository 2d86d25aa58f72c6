package dev.condense.engine.codec;

/**
 * A coded stream or container that cannot be decoded: truncated, corrupted, or not what its header says. The
 * message names where (a layer, a byte offset) when known.
 */
public class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
