package dev.condense.cli;

import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.Kernel;
import dev.condense.kernel.run.ResolvedRecipe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code condense validate RECIPE...}: parses, resolves every id, checks each stage against the graph the stages before
 * it are predicted to produce, and prints the resolved recipe and, per stage, what it will do to which layers; runs
 * nothing. Several recipes (a directory of them under version control, say) are checked in one process, each on its
 * own: a bad one prints its located error and the rest are still checked. Exit code: 0 when all are ok, else the
 * worst of theirs (2 for bad input).
 */
@Command(name = "validate", description = "Check recipes (syntax, keys, ids, values, layer selectors) without running them.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RECIPE", arity = "1..*", description = "The recipe YAML files.")
    List<Path> recipes;

    @picocli.CommandLine.Option(names = "--force", description = "Check the output directory as run --force would.")
    boolean force;

    @Mixin
    KernelOptions kernel;

    @Mixin
    SetOptions sets;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Kernel k = kernel.kernel();
        if (recipes.size() == 1) {
            print(k, recipes.get(0));
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        int code = 0;
        int bad = 0;
        for (Path recipe : recipes) {
            try {
                print(k, recipe);
            } catch (Exception e) {
                err.print(recipe + ": ");
                code = Math.max(code, ErrorReporter.report(e, err));
                bad++;
            }
        }
        System.out.println("checked " + recipes.size() + " recipes: " + (recipes.size() - bad) + " ok, " + bad
                + " with errors");
        return code;
    }

    private void print(Kernel k, Path recipe) {
        Kernel.Validation v = k.validate(recipe, sets.overrides(), force);
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
        System.out.flush();
    }
}
