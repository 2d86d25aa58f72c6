package dev.condense.kernel.plugin;

import java.util.function.Supplier;

/**
 * Calls into plugin code with the plugin's class loader as the thread context class loader, as libraries that
 * look up resources or services through the context loader (ServiceLoader, Jackson modules) expect; the previous
 * context loader is always restored, so no thread keeps a plugin's loader after the call.
 */
public final class PluginCalls {
    private PluginCalls() {
    }

    /** Runs {@code call} with {@code loader} as context class loader, restoring the previous one after. */
    public static <T> T inLoader(ClassLoader loader, Supplier<T> call) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return call.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /**
     * Runs {@code call} with the class loader of {@code extension}'s class as context class loader. When the
     * extension comes from a plugin and the call throws a runtime exception or a linkage error, it is rethrown as a
     * {@link PluginCallException} naming the plugin (id, version, zip) and the cause, so the caller's message says
     * which plugin failed; other errors (out of memory) pass unchanged.
     */
    public static <T> T in(Object extension, Supplier<T> call) {
        ClassLoader loader = extension.getClass().getClassLoader();
        try {
            return inLoader(loader, call);
        } catch (RuntimeException | LinkageError e) {
            if (loader instanceof SharedFirstClassLoader plugin && !(e instanceof PluginCallException)) {
                throw new PluginCallException(plugin.describe(), e);
            }
            throw e;
        }
    }

    /** {@code ExceptionClass: message}, with the cause's when the exception only wraps one. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        return t.toString();
    }
}
