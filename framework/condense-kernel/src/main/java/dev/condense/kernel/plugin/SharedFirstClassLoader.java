package dev.condense.kernel.plugin;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin class loader that takes the packages the kernel shares with plugins from the kernel, always, and
 * everything else from the plugin first.
 *
 * <p>Shared: the Condense API and engine, ND4J and JavaCPP (a second copy would break backend discovery and load
 * natives twice), Guice and jakarta.inject (a second copy gives ClassCastExceptions at injection), Jackson, PF4J and
 * SLF4J. A plugin that bundles one of them anyway still gets the kernel's.
 */
final class SharedFirstClassLoader extends PluginClassLoader {
    static final List<String> SHARED = List.of("dev.condense.api.", "dev.condense.engine.", "org.nd4j.",
            "org.bytedeco.", "com.google.inject.", "jakarta.inject.", "com.fasterxml.jackson.", "org.pf4j.",
            "org.slf4j.", "onnx.", "ai.onnxruntime.");

    private final String pluginId;
    private final String version;
    private final String path;

    SharedFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, Path pluginPath, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
        this.pluginId = descriptor.getPluginId();
        this.version = descriptor.getVersion();
        this.path = pluginPath.getFileName().toString();
    }

    static boolean isShared(String className) {
        for (String prefix : SHARED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code plugin ID VERSION (expanded-dir)}, for messages. */
    String describe() {
        return "plugin " + pluginId + " " + version + " (" + path + ")";
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (isShared(className)) {
            return getParent().loadClass(className);
        }
        return super.loadClass(className);
    }
}
