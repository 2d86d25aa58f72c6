package dev.condense.kernel.plugin;

import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.RecipeException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the planner's "unknown id" errors into "the plugin providing it failed, and why" when that is the case.
 *
 * <p>The planner reports an unresolved id as {@code unknown <what> '<id>'...}. When {@code id} belongs to a plugin
 * that failed or is disabled (see {@link ExtensionRegistry#unavailable()}), the message names that plugin, its
 * state and reason; otherwise, when some zips could not even be read (so their ids are unknown), it lists them as
 * possible providers. The location is kept, so the error still points at the recipe line.
 */
public final class FailedPluginHints {
    private static final Pattern UNKNOWN = Pattern.compile("^unknown [^']*'([^']+)'");

    private FailedPluginHints() {
    }

    /** {@code e} itself, or a copy with a more helpful detail. */
    public static RecipeException explain(RecipeException e, ExtensionRegistry registry, List<PluginStatus> statuses) {
        Matcher m = UNKNOWN.matcher(e.detail());
        if (!m.find()) {
            return e;
        }
        String id = m.group(1);
        String pluginId = registry.unavailable().get(id);
        if (pluginId != null) {
            for (PluginStatus s : statuses) {
                if (s.pluginId().equals(pluginId) && !s.started()) {
                    return new RecipeException(e.location(), "" + Quote.single(id) + " is provided by plugin " + pluginId + " "
                            + s.version() + " (" + s.zip().getFileName() + "), which is " + s.state() + ": " + s.reason(), e);
                }
            }
        }
        List<PluginStatus> unreadable = statuses.stream().filter(s -> !s.started() && s.extensionIds().isEmpty()).toList();
        if (unreadable.isEmpty()) {
            return e;
        }
        StringBuilder b = new StringBuilder(e.detail()).append("; plugins that failed and may provide it:");
        unreadable.forEach(s -> b.append(' ').append(s.zip().getFileName()).append(" (").append(s.state()).append(": ")
                .append(s.reason()).append(')'));
        return new RecipeException(e.location(), b.toString(), e);
    }
}
