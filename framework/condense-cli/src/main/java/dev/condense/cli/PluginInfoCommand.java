package dev.condense.cli;

import dev.condense.engine.text.Quote;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.plugin.ParamsDescription;
import dev.condense.kernel.plugin.PluginInfo;
import dev.condense.kernel.plugin.PluginStatus;
import dev.condense.kernel.plugin.RegisteredExtension;
import dev.condense.kernel.recipe.Suggestions;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code condense plugins info ID}: the extension point, summary, citation, plugin (id, version, zip, SHA-256) and
 * params (type, default, allowed values) of an extension. Exit 2 for an unknown id, 1 when its plugin failed.
 */
@Command(name = "info", description = "Describe an extension by its recipe id: point, summary, citation, plugin, params.")
final class PluginInfoCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "A recipe id, e.g. magnitude.")
    String id;

    @Mixin
    KernelOptions kernel;

    @Override
    public Integer call() {
        Kernel k = kernel.kernel();
        List<PluginInfo> infos = k.pluginInfo(id);
        infos.forEach(PluginInfoCommand::print);
        if (!infos.isEmpty()) {
            return 0;
        }
        String owner = k.registry().unavailable().get(id);
        for (PluginStatus s : k.pluginStatuses()) {
            if (s.pluginId().equals(owner)) {
                System.err.println("error: " + Quote.single(id) + " is provided by plugin " + owner + " " + s.version() + " ("
                        + s.zip().getFileName() + "), which is " + s.state() + ": " + s.reason());
                return ErrorReporter.FAILED;
            }
        }
        TreeSet<String> ids = new TreeSet<>();
        k.registry().all().stream().map(RegisteredExtension::id).forEach(ids::add);
        System.err.println("error: no installed extension has id " + Quote.single(id) + Suggestions.hint(id, ids)
                + "; installed: " + (ids.isEmpty() ? "none" : String.join(", ", ids)));
        return ErrorReporter.BAD_INPUT;
    }

    private static void print(PluginInfo i) {
        System.out.println(i.id() + " (" + i.point() + ")");
        System.out.println("  summary:  " + i.summary());
        System.out.println("  citation: " + (i.citation().isEmpty() ? "-" : i.citation()));
        System.out.println("  plugin:   " + i.plugin().pluginId() + " " + i.plugin().version());
        System.out.println("  zip:      " + i.plugin().zip().toAbsolutePath());
        System.out.println("  sha-256:  " + i.plugin().sha256());
        ParamsDescription p = i.params();
        System.out.println("  params:   " + p.type() + (p.params().isEmpty() ? " (none)" : ""));
        for (ParamsDescription.Param c : p.params()) {
            System.out.printf("    %-16s %-12s default %-10s %s%n", c.name(), c.type(),
                    c.defaultValue() == null ? "(none)" : c.defaultValue(), c.allowed().isEmpty() ? "" : "allowed: " + c.allowed());
        }
        if (!p.note().isEmpty()) {
            System.out.println("    note: " + p.note());
        }
    }
}
