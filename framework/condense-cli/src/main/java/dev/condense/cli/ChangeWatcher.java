package dev.condense.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a change to a recipe file or to a {@code *.zip} in the plugins directory, with a {@code java.nio}
 * WatchService on both directories (not recursive), debounced: after the first relevant event it waits until no
 * relevant event came for the debounce interval, so a zip being copied or an editor's save sequence counts once.
 */
final class ChangeWatcher implements AutoCloseable {
    private final WatchService service;
    private final Map<WatchKey, Path> dirs = new HashMap<>();
    private final Path recipeName;
    private final Path pluginsDir;
    private final long debounceMillis;

    /** Watches {@code recipe}'s directory and {@code pluginsDir} (when it exists). */
    ChangeWatcher(Path recipe, Path pluginsDir, long debounceMillis) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        Path recipeDir = recipe.toAbsolutePath().normalize().getParent();
        this.recipeName = recipe.getFileName();
        this.pluginsDir = pluginsDir.toAbsolutePath().normalize();
        this.debounceMillis = debounceMillis;
        register(recipeDir);
        if (Files.isDirectory(this.pluginsDir) && !this.pluginsDir.equals(recipeDir)) {
            register(this.pluginsDir);
        }
    }

    private void register(Path dir) throws IOException {
        dirs.put(dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE), dir);
    }

    /**
     * Blocks until a relevant change has settled or {@code deadlineNanos} ({@link System#nanoTime()} based, or
     * {@code Long.MAX_VALUE} for none) passes.
     *
     * @return the names of the changed files, or empty at the deadline
     */
    Optional<String> await(long deadlineNanos) throws InterruptedException {
        TreeSet<String> changed = new TreeSet<>();
        while (changed.isEmpty()) {
            long left = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            WatchKey key = service.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            collect(key, changed);
        }
        for (WatchKey key; (key = service.poll(debounceMillis, TimeUnit.MILLISECONDS)) != null; ) {
            collect(key, changed);
        }
        return Optional.of(String.join(", ", changed));
    }

    /** Adds the relevant file names of {@code key}'s events to {@code changed}; true when there was one. */
    private boolean collect(WatchKey key, TreeSet<String> changed) {
        if (key == null) {
            return false;
        }
        Path dir = dirs.get(key);
        boolean relevant = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                changed.add("(many files)");
                relevant = true;
            } else if (e.context() instanceof Path name && isRelevant(dir, name)) {
                changed.add(name.toString());
                relevant = true;
            }
        }
        key.reset();
        return relevant;
    }

    private boolean isRelevant(Path dir, Path name) {
        boolean zip = dir.equals(pluginsDir) && name.toString().endsWith(".zip");
        return zip || name.equals(recipeName);
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
