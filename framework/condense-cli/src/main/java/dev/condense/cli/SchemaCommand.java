package dev.condense.cli;

import dev.condense.kernel.schema.RecipeSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code condense schema [--output FILE]}: the recipe JSON Schema, with the installed plugins' params. */
@Command(name = "schema", description = "Write the JSON Schema (draft 2020-12) of recipes, including the params of the"
        + " installed scorers and stages, for editor completion.")
final class SchemaCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Mixin
    KernelOptions kernel;

    @Override
    public Integer call() throws Exception {
        String json = RecipeSchema.json(kernel.kernel().registry(), kernel.kernel().kinds());
        if (output == null) {
            System.out.print(json);
        } else {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, json, StandardCharsets.UTF_8);
            System.out.println("wrote " + output);
        }
        return 0;
    }
}
