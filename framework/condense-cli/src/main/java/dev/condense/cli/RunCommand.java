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

    @Parameters(paramLabel = "RECIPE", arity = "0..1", description = "The recipe YAML file.")
    Path recipe;

    @Option(names = "--resume", description = "Continue an interrupted run of this recipe from its last checkpoint.")
    boolean resume;

    @Option(names = "--replay", paramLabel = "PROVENANCE",
            description = "Run again from a run's provenance.yaml (refused if a plugin version differs); "
                    + "output goes to <original output>-replay.")
    Path replay;

    @Option(names = "--force", description = "Replace an existing output directory that was not made by Condense"
            + " (one without its .condense-run marker). Never the filesystem root, the home or working directory, nor"
            + " one holding the recipe, model or data.")
    boolean force;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory that already holds the data set's files (e.g. the four MNIST IDX files).")
    Path dataDir;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache for fetched data sets (default: $CONDENSE_CACHE, else ~/.cache/condense).")
    Path cacheDir;

    @Mixin
    KernelOptions kernel;

    @Mixin
    SetOptions sets;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((recipe == null) == (replay == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give either RECIPE or --replay PROVENANCE");
        }
        RunOptions options = new RunOptions(dataDir, cacheDir, System.out, ConsoleProgress.stdoutIsTerminal(), resume,
                force, dev.condense.cli.log.LibraryLog.get());
        print(replay != null ? kernel.kernel().replay(replay, options)
                : kernel.kernel().run(recipe, options, sets.overrides()));
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
