package dev.condense.cli;

import dev.condense.kernel.Kernel;
import dev.condense.kernel.inject.KernelConfig;
import dev.condense.kernel.run.ConsoleProgress;
import dev.condense.kernel.run.RunOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code condense watch RECIPE}: runs the recipe, then runs it again each time the recipe file changes or a plugin
 * zip is added, replaced or removed, reloading plugins in the same JVM ({@link Kernel#reload()}). A failed run is
 * reported (as {@code run} would) and watching goes on. Stops after {@code --max-runs} runs or {@code --timeout}
 * seconds; the exit code is that of the last run.
 */
@Command(name = "watch", description = "Run a recipe, then re-run it whenever the recipe or a plugin zip changes.")
final class WatchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RECIPE", description = "The recipe YAML file.")
    Path recipe;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory that already holds the data set's files.")
    Path dataDir;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Cache for fetched data sets.")
    Path cacheDir;

    @Option(names = "--force", description = "Replace an existing output directory that was not made by Condense"
            + " (see run --force).")
    boolean force;

    @Option(names = "--max-runs", paramLabel = "N", description = "Stop after N runs (default: 0, no limit).")
    int maxRuns;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop waiting for changes after this long (default: 0, never).")
    long timeoutSeconds;

    @Option(names = "--debounce-ms", paramLabel = "MS", description = "Quiet time that ends a burst of changes (default: 500).")
    long debounceMillis = 500;

    @Mixin
    KernelOptions kernel;

    @Override
    public Integer call() throws Exception {
        if (maxRuns < 0 || timeoutSeconds < 0 || debounceMillis < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--max-runs, --timeout and --debounce-ms must be >= 0");
        }
        long deadline = timeoutSeconds == 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Kernel k = kernel.kernel();
        Path pluginsDir = KernelConfig.resolvePluginsDir(kernel.pluginsDir);
        PrintWriter err = new PrintWriter(System.err, true);
        int last = 0;
        try (ChangeWatcher watcher = new ChangeWatcher(recipe, pluginsDir, debounceMillis)) {
            for (int run = 1; ; run++) {
                System.out.println("watch: run " + run + " of " + recipe);
                last = runOnce(k, err);
                System.out.println("watch: run " + run + " finished with exit code " + last);
                if (maxRuns > 0 && run >= maxRuns) {
                    break;
                }
                System.out.println("watch: waiting for changes to " + recipe.getFileName() + " or to *.zip in "
                        + pluginsDir.toAbsolutePath());
                System.out.flush();
                Optional<String> changed = watcher.await(deadline);
                if (changed.isEmpty()) {
                    System.out.println("watch: timed out after " + timeoutSeconds + " s");
                    break;
                }
                System.out.println("watch: changed: " + changed.get() + "; plugins: " + k.reload());
            }
        }
        return last;
    }

    private int runOnce(Kernel k, PrintWriter err) {
        try {
            RunCommand.print(k.run(recipe, new RunOptions(dataDir, cacheDir, System.out, ConsoleProgress.stdoutIsTerminal(), false,
                    force, dev.condense.cli.log.LibraryLog.get())));
            return 0;
        } catch (Exception e) {
            return ErrorReporter.report(e, err);
        } finally {
            System.out.flush();
        }
    }
}
