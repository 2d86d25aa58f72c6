package dev.condense.cli;

import dev.condense.kernel.Kernel;
import dev.condense.kernel.plugin.ExtensionPoints;
import dev.condense.kernel.plugin.PluginStatus;
import dev.condense.kernel.plugin.RegisteredExtension;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code condense plugins list|info}: installed plugins, their state and the extensions they provide. */
@Command(name = "plugins", description = "Inspect installed plugins.",
        subcommands = {PluginsCommand.ListCommand.class, PluginInfoCommand.class})
final class PluginsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", description = "List plugins with their state (STARTED, FAILED, DISABLED), reason and extensions.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        KernelOptions kernel;

        @Override
        public Integer call() {
            Kernel k = kernel.kernel();
            System.out.println("plugins directory: " + k.plugins().getPluginsRoot().toAbsolutePath());
            if (k.pluginStatuses().isEmpty()) {
                System.out.println("  (no plugins installed)");
            }
            for (PluginStatus p : k.pluginStatuses()) {
                System.out.printf("%-24s %-8s %-8s %s%n", p.pluginId(), p.version(), p.state(), p.zip().getFileName());
                for (RegisteredExtension e : k.registry().all()) {
                    if (p.started() && e.pluginId().equals(p.pluginId())) {
                        System.out.printf("    %-18s %-14s %s%n", ExtensionPoints.name(e.point()), e.id(), e.extension().summary());
                    }
                }
                if (!p.started()) {
                    System.out.println("    reason: " + p.reason());
                    if (!p.extensionIds().isEmpty()) {
                        System.out.println("    would provide: " + String.join(", ", p.extensionIds()));
                    }
                }
            }
            return 0;
        }
    }
}
