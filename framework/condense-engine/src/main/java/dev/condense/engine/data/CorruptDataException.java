package dev.condense.engine.data;

/**
 * A data file exists but is not what it should be: bad IDX magic, truncated payload, dimensions that do not match,
 * or a SHA-256 that differs from the recorded value. The message names the file and what is wrong.
 */
public class CorruptDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }
}
