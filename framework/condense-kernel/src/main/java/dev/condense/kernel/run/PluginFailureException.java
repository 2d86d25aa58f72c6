package dev.condense.kernel.run;

/** Plugin code threw while a run called it; the message names the plugin, the extension and the cause. */
public final class PluginFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PluginFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
