package dev.condense.kernel.plugin;

import java.util.function.Supplier;

/**
 * Calls into plugin code with the plugin's class loader as the thread context class loader, as libraries that
 * look up resources or services through the context loader (ServiceLoader, Jackson modules) expect.
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

    /** Runs {@code call} with the class loader of {@code extension}'s class as context class loader. */
    public static <T> T in(Object extension, Supplier<T> call) {
        return inLoader(extension.getClass().getClassLoader(), call);
    }
}
