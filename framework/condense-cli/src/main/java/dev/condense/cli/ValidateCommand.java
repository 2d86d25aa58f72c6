package dev.condense.cli;

import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.PlannedStage;
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

    @Mixin
    KernelOptions kernel;

    @Override
    public Integer call() {
        Plan plan = kernel.kernel().validate(recipe);
        System.out.println(recipe + ": ok, recipe '" + plan.name() + "', " + plan.stages().size() + " stages");
        int i = 1;
        for (PlannedStage s : plan.stages()) {
            System.out.println("  " + i++ + ". " + s.kind() + "  " + s);
        }
        System.out.println("  output: " + plan.outputDir());
        return 0;
    }
}
