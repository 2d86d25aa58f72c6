package dev.condense.kernel.stage.export;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxFormatException;
import dev.condense.engine.onnx.quant.IntegerOnlyExport;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import onnx.Onnx.ModelProto;

/**
 * Export the current graph into the output directory as model.onnx; the graph passes through unchanged. Quantized
 * layers are written as QDQ ({@code quantized: qdq}) or rewritten into integer-only operators
 * ({@link IntegerOnlyExport}, {@code quantized: integer}; refused with the node's name, before anything is written,
 * when some op cannot run in integers). Reports the file's bytes and the node types of ONNX Runtime's optimized graph
 * of the written file ({@link OptimizedGraph}: integer kernels against float convolutions and matrix products), and
 * for an integer-only file its batch-128 latency against the QDQ form ({@link IntegerLatency}).
 *
 * @param format    the format id, {@code onnx}
 * @param quantized {@code qdq} or {@code integer}
 * @param location  where the stage is written
 * @param outputDir the run's output directory, for the validate line (the file is written into the partial
 *                  directory the run renames into place)
 */
public record ExportStep(String format, String quantized, Location location, Path outputDir) implements PlannedStage {

    public ExportStep {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(quantized, "quantized");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(outputDir, "outputDir");
    }

    @Override
    public String kind() {
        return "export";
    }

    @Override
    public Preview preview(ModelGraph graph) {
        if (quantized.equals("integer")) {
            IntegerPreflight.check(graph, location);
        }
        return Preview.unchanged(graph, "export: " + format + (quantized.equals("integer") ? ", integer-only" : "")
                + " -> " + outputDir.resolve("model.onnx"));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        Path file = run.outputDir().resolve("model.onnx");
        ModelProto proto = new OnnxExporter().toProto(graph);
        if (quantized.equals("integer")) {
            ModelProto ints;
            try {
                ints = IntegerOnlyExport.rewrite(proto, "model.onnx");
            } catch (OnnxFormatException e) {
                throw new RecipeException(location, e.getMessage(), e);
            }
            OnnxExporter.write(ints.toByteArray(), file);
        } else {
            OnnxExporter.write(proto.toByteArray(), file);
        }
        run.context().report("file", "model.onnx");
        run.context().report("quantized", quantized);
        try {
            run.context().report("bytes", Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run.context().report("ort_kernels", OptimizedGraph.of(file, 1).summary());
        if (quantized.equals("integer")) {
            // the integer-only file's own accuracy, in ONNX Runtime on the test rows (the evaluate stages measure
            // the QDQ form of the graph)
            run.context().dataset().ifPresent(d -> run.context().report("accuracy",
                    OrtRunner.accuracy(file, d.test(), 256)));
            IntegerLatency.report(proto, file, graph, run);
        }
        return graph;
    }

    @Override
    public Object resolvedBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", format);
        body.put("quantized", quantized);
        return body;
    }
}
