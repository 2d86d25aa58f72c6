package dev.condense.kernel.plan;

import dev.condense.kernel.recipe.Location;
import java.util.Objects;

/**
 * Export the current graph into the output directory.
 *
 * @param format   the format id, {@code onnx}
 * @param location where the stage is written
 */
public record ExportStep(String format, Location location) implements PlannedStage {

    public ExportStep {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "export";
    }
}
