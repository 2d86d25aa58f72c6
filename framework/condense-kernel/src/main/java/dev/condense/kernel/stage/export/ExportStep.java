package dev.condense.kernel.stage.export;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Export the current graph into the output directory as model.onnx; the graph passes through unchanged.
 *
 * @param format    the format id, {@code onnx}
 * @param location  where the stage is written
 * @param outputDir the run's output directory, for the validate line (the file is written into the partial
 *                  directory the run renames into place)
 */
public record ExportStep(String format, Location location, Path outputDir) implements PlannedStage {

    public ExportStep {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(outputDir, "outputDir");
    }

    @Override
    public String kind() {
        return "export";
    }

    @Override
    public Preview preview(ModelGraph graph) {
        return Preview.unchanged(graph, "export: " + format + " -> " + outputDir.resolve("model.onnx"));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        new OnnxExporter().write(graph, run.outputDir().resolve("model.onnx"));
        run.context().report("file", "model.onnx");
        return graph;
    }

    @Override
    public Object resolvedBody() {
        return Map.of("format", format);
    }
}
