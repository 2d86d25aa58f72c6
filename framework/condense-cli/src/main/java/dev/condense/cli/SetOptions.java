package dev.condense.cli;

import dev.condense.kernel.recipe.RecipeOverride;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The repeatable {@code --set NAME=VALUE} option of {@code run} and {@code validate}. */
final class SetOptions {

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Override a var of the recipe (--set lr=0.01) or any value by its dotted path, list indices "
                    + "0-based (--set stages.1.prune.sparsity.default=0.8). Repeatable; the value is read as YAML.")
    List<String> sets = new ArrayList<>();

    /** The overrides, parsed; a malformed one is a RecipeException located on the command line. */
    List<RecipeOverride> overrides() {
        return RecipeOverride.parseAll(sets);
    }
}
