package dev.condense.cli;

import dev.condense.kernel.Kernel;
import dev.condense.kernel.plugin.ExtensionPoints;
import dev.condense.kernel.plugin.RegisteredExtension;
import java.util.concurrent.Callable;
import org.pf4j.PluginWrapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code condense plugins list}: installed plugins, their state and the extensions they provide. */
@Command(name = "plugins", description = "Inspect installed plugins.", subcommands = PluginsCommand.ListCommand.class)
final class PluginsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", description = "List plugins with their state and extensions.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        KernelOptions kernel;

        @Override
        public Integer call() {
            Kernel k = kernel.kernel();
            System.out.println("plugins directory: " + k.plugins().getPluginsRoot().toAbsolutePath());
            if (k.plugins().getPlugins().isEmpty()) {
                System.out.println("  (no plugins installed)");
            }
            for (PluginWrapper p : k.plugins().getPlugins()) {
                System.out.printf("%-24s %-8s %s%n", p.getPluginId(), p.getDescriptor().getVersion(), p.getPluginState());
                for (RegisteredExtension e : k.registry().all()) {
                    if (e.pluginId().equals(p.getPluginId())) {
                        System.out.printf("    %-18s %-14s %s%n", ExtensionPoints.name(e.point()), e.id(), e.extension().summary());
                    }
                }
                if (p.getFailedException() != null) {
                    System.out.println("    failed: " + p.getFailedException().getMessage());
                }
            }
            k.registry().problems().forEach(pr -> System.out.println("problem: " + pr));
            return 0;
        }
    }
}
