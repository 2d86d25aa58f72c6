package dev.condense.cli;

import com.google.inject.Guice;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.inject.KernelConfig;
import dev.condense.kernel.inject.KernelModule;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that needs the kernel, and the kernel they configure. */
final class KernelOptions {

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Directory of plugin zips (default: $CONDENSE_PLUGINS, else the distribution's plugins/).")
    Path pluginsDir;

    Kernel kernel() {
        Path dir = KernelConfig.resolvePluginsDir(pluginsDir);
        return Guice.createInjector(new KernelModule(new KernelConfig(dir, CondenseMain.Version.version())))
                .getInstance(Kernel.class);
    }
}
