package dev.condense.kernel.plugin;

import java.util.List;

/**
 * What a {@link PluginHost#reload()} changed, as zip file names.
 *
 * @param added     zips that are new
 * @param replaced  zips whose SHA-256 changed (unloaded, then loaded again)
 * @param removed   zips that are gone (their plugins stopped and unloaded)
 * @param unchanged zips left as they were (their plugins keep their class loaders)
 */
public record ReloadSummary(List<String> added, List<String> replaced, List<String> removed, List<String> unchanged) {

    public ReloadSummary {
        added = List.copyOf(added);
        replaced = List.copyOf(replaced);
        removed = List.copyOf(removed);
        unchanged = List.copyOf(unchanged);
    }

    /** True when any plugin was loaded or unloaded. */
    public boolean changed() {
        return !added.isEmpty() || !replaced.isEmpty() || !removed.isEmpty();
    }

    /** One line, e.g. {@code added a.zip; replaced b.zip; removed c.zip} or {@code no plugin changes}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        part(b, "added", added);
        part(b, "replaced", replaced);
        part(b, "removed", removed);
        return b.length() == 0 ? "no plugin changes" : b.toString();
    }

    private static void part(StringBuilder b, String what, List<String> zips) {
        if (!zips.isEmpty()) {
            b.append(b.length() == 0 ? "" : "; ").append(what).append(' ').append(String.join(", ", zips));
        }
    }
}
