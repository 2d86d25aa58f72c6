package dev.condense.cli;

import dev.condense.kernel.run.ConsoleProgress;
import dev.condense.kernel.run.RunOptions;
import dev.condense.kernel.run.RunResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code condense run RECIPE}: runs a recipe and prints where its output is. */
@Command(name = "run", description = "Run a recipe: train, compress, evaluate and export as it says.")
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RECIPE", description = "The recipe YAML file.")
    Path recipe;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory that already holds the data set's files (e.g. the four MNIST IDX files).")
    Path dataDir;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache for fetched data sets (default: $CONDENSE_CACHE, else ~/.cache/condense).")
    Path cacheDir;

    @Mixin
    KernelOptions kernel;

    @Override
    public Integer call() throws Exception {
        RunOptions options = new RunOptions(dataDir, cacheDir, System.out, ConsoleProgress.stdoutIsTerminal());
        print(kernel.kernel().run(recipe, options));
        return 0;
    }

    /** Prints where the output is, the evaluations and the report's notes. */
    @SuppressWarnings("unchecked")
    static void print(RunResult result) {
        System.out.println("output: " + result.outputDir());
        for (Map<String, Object> e : (List<Map<String, Object>>) result.report().getOrDefault("evaluations", List.of())) {
            System.out.println("  " + Summary.evaluation(e));
        }
        for (Object note : (List<Object>) result.report().getOrDefault("notes", List.of())) {
            System.out.println("  note: " + note);
        }
    }
}
