package dev.condense.engine.data;

/**
 * The files of a data set are neither given nor cached and could not be fetched (offline, npm missing, timeout).
 * The message says how to get out: restore the connection so the fetch works, or pass the files with --data-dir.
 */
public class DataUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataUnavailableException(String message) {
        super(message);
    }

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
