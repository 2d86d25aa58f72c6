package dev.condense.cli;

import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.run.ResolvedRecipe;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code condense validate RECIPE}: parses, resolves every id and checks selectors; runs nothing. */
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
        v.pruneTargets().forEach((stage, layers) -> {
            var global = ((dev.condense.kernel.plan.PruneStep) plan.stages().get(stage - 1)).sparsity().global();
            if (global.isPresent()) {
                System.out.printf(java.util.Locale.ROOT, "stage %d (prune): global ranking to %.4f overall with a per-layer"
                        + " floor of %.4f; the split between these layers is decided by the scores when the stage runs:%n",
                        stage, global.get().sparsity(), global.get().floor());
                layers.keySet().forEach(layer -> System.out.println("  " + layer));
                return;
            }
            System.out.println("stage " + stage + " (prune) per layer:");
            layers.forEach((layer, s) -> System.out.printf(java.util.Locale.ROOT, "  %-24s target sparsity %.4f%n", layer, s));
        });
        return 0;
    }
}
