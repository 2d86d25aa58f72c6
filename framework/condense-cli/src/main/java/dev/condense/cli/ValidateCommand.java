package dev.condense.cli;

import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.run.ResolvedRecipe;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code condense validate RECIPE}: parses, resolves every id, checks each stage against the graph the stages before
 * it are predicted to produce, and prints the resolved recipe and, per stage, what it will do to which layers; runs
 * nothing.
 */
@Command(name = "validate", description = "Check a recipe (syntax, keys, ids, values, layer selectors) without running it.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RECIPE", description = "The recipe YAML file.")
    Path recipe;

    @picocli.CommandLine.Option(names = "--force", description = "Check the output directory as run --force would.")
    boolean force;

    @Mixin
    KernelOptions kernel;

    @Mixin
    SetOptions sets;

    @Override
    public Integer call() {
        Kernel.Validation v = kernel.kernel().validate(recipe, sets.overrides(), force);
        Plan plan = v.plan();
        System.out.println(recipe + ": ok, recipe '" + plan.name() + "', " + plan.stages().size()
                + " stages; nothing was run. As resolved:");
        System.out.print(ResolvedRecipe.yaml(plan));
        System.out.println("output: " + plan.outputDir() + " (" + switch (v.output()) {
            case CREATE -> "new";
            case REPLACE_RUN -> "replaces an earlier Condense run";
            case REPLACE_EMPTY -> "replaces an empty directory";
            case REPLACE_FORCED -> "replaces a directory not made by Condense, because of --force";
        } + ")");
        System.out.println("stages, on the graph each receives (shapes predicted, not run):");
        for (int i = 0; i < v.previews().size(); i++) {
            List<String> lines = v.previews().get(i).lines();
            System.out.println((i + 1) + " " + lines.get(0));
            lines.subList(1, lines.size()).forEach(l -> System.out.println("  " + l));
        }
        return 0;
    }
}
