package dev.condense.kernel.stage.export;

import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code export: {format}}.
 *
 * @param format the output format; only {@code onnx} for now
 */
public record ExportStageSpec(String format, Location location) implements StageSpec {
    /** The formats the kernel writes. */
    public static final List<String> FORMATS = List.of("onnx");

    public ExportStageSpec {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("format must be one of " + FORMATS + ", was " + format);
        }
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "export";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        return new ExportStep(format, location, context.recipe().output().resolvedDir());
    }
}
