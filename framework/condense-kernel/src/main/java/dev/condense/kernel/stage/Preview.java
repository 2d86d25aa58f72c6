package dev.condense.kernel.stage;

import dev.condense.api.model.ModelGraph;
import java.util.List;
import java.util.Objects;

/**
 * What a stage will do, found without running it.
 *
 * @param graph the graph the next stage will receive (predicted: names and shapes, not values)
 * @param lines what {@code condense validate} prints for the stage, one line each (the first names the stage),
 *              without the stage number
 */
public record Preview(ModelGraph graph, List<String> lines) {

    public Preview {
        Objects.requireNonNull(graph, "graph");
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a preview says at least one line");
        }
    }

    /** A stage that leaves the graph as it is. */
    public static Preview unchanged(ModelGraph graph, String line) {
        return new Preview(graph, List.of(line));
    }
}
