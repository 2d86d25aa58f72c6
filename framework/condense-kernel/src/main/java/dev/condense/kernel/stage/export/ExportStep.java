package dev.condense.kernel.stage.export;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.nlp.UnpackedInputs;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.onnx.OnnxFormatException;
import dev.condense.engine.onnx.QuantizedOps;
import dev.condense.engine.onnx.quant.ChannelPadding;
import dev.condense.engine.onnx.quant.InputPatches;
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
 * for an integer-only or rewritten file its batch-128 latency against the plain QDQ form ({@link IntegerLatency}).
 * A text model trained through its packed input ({@code nlp.PackedInputs}) is written with the model's own int64
 * inputs restored ({@link UnpackedInputs#restore}: {@code input_ids, attention_mask, token_type_ids [N, L]}),
 * reported as {@code inputs}.
 *
 * @param format    the format id, {@code onnx}
 * @param quantized {@code qdq} or {@code integer}
 * @param rewrites  the exact ORT-oriented rewrites to apply first ({@link OrtRewrites}): {@link ChannelPadding}, with
 *                  {@link InputPatches} inside it when both are on, reported as {@code padded_convs} and timed against
 *                  the plain QDQ form as {@code speedup_vs_unpadded}; {@link InputPatches} alone, reported as
 *                  {@code patched_convs} and timed as {@code speedup_vs_plain}
 * @param location  where the stage is written
 * @param outputDir the run's output directory, for the validate line (the file is written into the partial
 *                  directory the run renames into place)
 */
public record ExportStep(String format, String quantized, OrtRewrites rewrites, Location location, Path outputDir)
        implements PlannedStage {

    /** An export without rewrites. */
    public ExportStep(String format, String quantized, Location location, Path outputDir) {
        this(format, quantized, OrtRewrites.NONE, location, outputDir);
    }

    public ExportStep {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(rewrites, "rewrites");
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
        String inputs = UnpackedInputs.isPacked(graph) ? ", inputs " + restored(graph).inputs().stream()
                .map(dev.condense.api.model.ValueInfo::name).toList() + " (int64) restored from the packed input" : "";
        return Preview.unchanged(graph, "export: " + format + inputs + (quantized.equals("integer") ? ", integer-only" : "")
                + (rewrites.inputPatches() ? ", narrow-input int8 convolutions lowered to patches" : "")
                + (rewrites.padChannels() ? ", narrow int8 convolutions padded to 16 channels" : "") + " -> " + outputDir.resolve("model.onnx"));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        Path file = run.outputDir().resolve("model.onnx");
        ModelGraph exported = UnpackedInputs.isPacked(graph) ? restored(graph) : graph;
        if (exported != graph) {
            run.context().report("inputs", exported.inputs().stream().map(v -> v.name() + " int64 "
                    + java.util.Arrays.toString(v.shape())).toList().toString());
        }
        ModelProto proto = new OnnxExporter().toProto(exported);
        ModelProto written = proto;
        ChannelPadding.Result patches = null;
        ChannelPadding.Result padding = null;
        if (rewrites.padChannels()) {
            padding = ChannelPadding.pad(written, rewrites.inputPatches());
            written = padding.model();
        } else if (rewrites.inputPatches()) {
            patches = InputPatches.lower(written);
            written = patches.model();
        }
        if (quantized.equals("integer")) {
            ModelProto ints;
            try {
                ints = IntegerOnlyExport.rewrite(written, "model.onnx");
            } catch (OnnxFormatException e) {
                throw new RecipeException(location, e.getMessage(), e);
            }
            OnnxExporter.write(ints.toByteArray(), file);
        } else {
            OnnxExporter.write(written.toByteArray(), file);
        }
        run.context().report("file", "model.onnx");
        // the form quantized weights take; a graph with no quantized tensor is reported as such, not as "qdq"
        run.context().report("quantized", QuantizedOps.any(written) ? quantized : "none (float model)");
        if (patches != null) {
            run.context().report("patched_convs", patches.widened());
        }
        if (padding != null) {
            run.context().report("padded_convs", padding.widened());
        }
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
            IntegerLatency.report(proto, file, graph, run, "qdq");
        } else if (patches != null && !patches.widened().isEmpty()) {
            IntegerLatency.report(proto, file, graph, run, "plain");
        } else if (padding != null && !padding.widened().isEmpty()) {
            IntegerLatency.report(proto, file, graph, run, "unpadded");
        }
        return graph;
    }

    /** {@code graph} with its packed input unpacked; a graph whose chain was changed is an error at the stage. */
    private ModelGraph restored(ModelGraph graph) {
        try {
            return UnpackedInputs.restore(graph);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(location, "cannot export the text model with its own inputs: " + e.getMessage(), e);
        }
    }

    @Override
    public Object resolvedBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", format);
        body.put("quantized", quantized);
        body.put("pad-channels", rewrites.padChannels());
        body.put("input-patches", rewrites.inputPatches());
        return body;
    }
}
