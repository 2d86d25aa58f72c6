package dev.condense.kernel.recipe;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.condense.engine.text.Quote;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code --set TARGET=VALUE} from the command line: {@code TARGET} is a declared var ({@code --set lr=0.01}) or a
 * dotted path into the merged recipe ({@code --set stages.1.prune.sparsity.default=0.8}, list indices 0-based).
 * {@code VALUE} is read as a YAML value ({@code 0.8} is a number, {@code "0.8"} a string, {@code {zoo: lenet-5}} a
 * mapping); text that is not valid YAML is taken as a string.
 *
 * <p>Errors and values from the command line are located at {@code <command line>:N:C}: {@code N} is the 1-based
 * position of the {@code --set} among all {@code --set} options, {@code C} the column inside {@code TARGET=VALUE}.
 *
 * @param target   the var name or dotted path
 * @param value    the value, parsed
 * @param location where the option is (column 1)
 */
public record RecipeOverride(String target, JsonNode value, Location location) {
    /** The pseudo file of locations on the command line. */
    public static final Path COMMAND_LINE = Path.of("<command line>");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public RecipeOverride {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(location, "location");
    }

    /** Where the value is written (the column after {@code =}). */
    public Location valueLocation() {
        return new Location(location.file(), location.line(), location.column() + target.length() + 1);
    }

    /**
     * Parses the {@code index}-th (1-based) {@code --set} argument.
     *
     * @throws RecipeException at {@code <command line>:index:1} when there is no {@code =} or no target
     */
    public static RecipeOverride parse(String argument, int index) {
        Location at = new Location(COMMAND_LINE, index, 1);
        int eq = argument.indexOf('=');
        if (eq <= 0) {
            throw new RecipeException(at, "--set needs NAME=VALUE or PATH=VALUE, was " + Quote.single(argument));
        }
        String target = argument.substring(0, eq).strip();
        return new RecipeOverride(target.isEmpty() ? argument.substring(0, eq) : target,
                parseScalar(argument.substring(eq + 1)), at);
    }

    /** Parses every {@code --set} argument, in order. */
    public static List<RecipeOverride> parseAll(List<String> arguments) {
        List<RecipeOverride> all = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            all.add(parse(arguments.get(i), i + 1));
        }
        return List.copyOf(all);
    }

    /** {@code text} read as a YAML value; blank text or text that is not valid YAML is a string. */
    static JsonNode parseScalar(String text) {
        if (text.isBlank()) {
            return TextNode.valueOf(text);
        }
        try {
            JsonNode node = YAML.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JacksonException | RuntimeException e) {
            return TextNode.valueOf(text);
        }
    }
}
