package dev.condense.kernel.plugin;

/**
 * Plugin code threw during a call ({@link PluginCalls#in}); the message names the plugin and the cause, e.g.
 * {@code plugin boom 1.0.0 (boom.zip) threw java.lang.IllegalStateException: no}. The runner wraps it in its
 * {@code PluginFailureException} (exit 1).
 */
public final class PluginCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PluginCallException(String plugin, Throwable cause) {
        super(plugin + " threw " + PluginCalls.describe(cause), cause);
    }

    /** The message alone: it is embedded in the runner's one-line error. */
    @Override
    public String toString() {
        return getMessage();
    }
}
