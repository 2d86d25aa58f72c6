package dev.condense.kernel.stage.quantize;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.HalfPrecision;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.quant.ActivationCalibration;
import dev.condense.engine.quant.DynamicQuantization;
import dev.condense.engine.quant.LayerSubsets;
import dev.condense.api.quant.MinMaxAccumulator;
import dev.condense.engine.quant.QdqPlacement;
import dev.condense.engine.quant.StaticQuantization;
import dev.condense.engine.quant.WeightGrid;
import dev.condense.api.model.AffineQuantization;
import dev.condense.engine.rewrite.BatchNormFolding;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import dev.condense.api.quant.Calibrator;
import dev.condense.kernel.plugin.PluginAccumulators;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A planned {@code quantize} stage. First every BatchNormalization that directly follows a Conv or Gemm is folded
 * into it ({@link BatchNormFolding}; the BN nodes go, so the preview predicts the folded graph). Static mode: the layers' float activations are calibrated on the first
 * {@code rows} training rows (min/max) in ONNX Runtime, then weights (per channel or per tensor), activations
 * ({@link QdqPlacement}) and biases (int32) are annotated ({@link StaticQuantization}); export writes QDQ. The IR
 * stays float: weights and biases hold their dequantized values. Apart from the folded BNs, node and tensor names and shapes do not change.
 * Mode qat fine-tunes with fake quantization before the same annotation ({@link QatRun}). Each layer's weight grid
 * follows its options (the stage's or an override's) and comes from {@link #grids()}.
 */
public record QuantizeStep(QuantizeStageSpec spec, Calibrator<?> calibrator, Record calibratorParams,
                           WeightQuantizer weightQuantizer) implements PlannedStage {
    /** Calibration rows per ONNX Runtime call. */
    static final int CALIBRATION_BATCH = 128;

    @Override
    public String kind() {
        return "quantize";
    }

    @Override
    public Location location() {
        return spec.location();
    }

    @Override
    public Preview preview(ModelGraph input) {
        if (spec.mode().equals("fp16")) {
            List<WeightedLayer> layers = layers(input);
            return new Preview(input, List.of("quantize: fp16, " + layers.size() + " layer" + (layers.size() == 1 ? ""
                    : "s") + ", weights and biases stored as float16 (half their bytes; ONNX Runtime computes in"
                    + " float32)", "  layers: " + String.join(", ", layers.stream().map(WeightedLayer::source)
                    .toList())));
        }
        BatchNormFolding.Result folded = BatchNormFolding.fold(input);
        ModelGraph graph = folded.graph();
        List<WeightedLayer> layers = layers(graph);
        List<String> lines = new ArrayList<>();
        QuantizeStageSpec.Weights w = spec.weights();
        int wBits = w.reduceRange() ? Math.min(7, w.bits()) : w.bits();
        String weights = wBits + "-bit " + (w.symmetric() ? "symmetric" : "asymmetric") + " "
                + (w.perChannel() ? "per-channel" : "per-tensor") + " weights";
        if (spec.mode().equals("qat")) {
            lines.add(QatRun.describe(spec, graph, layers, weights));
        } else if (spec.mode().equals("static")) {
            QdqPlacement p = QdqPlacement.of(graph, layers);
            // the predicted graph carries the selected layers' weight grids, so later stages see which layers stay
            // float (export {quantized: integer} refuses those at plan time: IntegerPreflight)
            graph = StaticQuantization.weightsOnly(graph, layers, grids());
            var a = spec.activations();
            lines.add("quantize: static int8, " + layers.size() + " layer" + (layers.size() == 1 ? "" : "s") + ", "
                    + weights + ", " + p.tensors().size() + " activations " + (a.symmetric() ? "int8 symmetric"
                    : "uint8 asymmetric") + " (" + p.calibrated().size() + " calibrated by " + a.calibrator()
                    + " on " + a.rows() + " training rows), QDQ export");
        } else {
            List<WeightedLayer> eligible = DynamicQuantization.eligible(graph, layers);
            if (eligible.isEmpty()) {
                throw new RecipeException(spec.location(), "quantize: mode 'dynamic' quantizes Gemm and MatMul"
                        + " layers and the selection has none (Conv layers need mode: static)");
            }
            layers = eligible;
            lines.add("quantize: dynamic, " + layers.size() + " Gemm/MatMul layer" + (layers.size() == 1 ? "" : "s")
                    + ", " + weights + "; activations quantized by ONNX Runtime at run time (uint8, per call)");
        }
        if (!folded.folded().isEmpty()) {
            lines.add("  batch norms folded into their Conv/Gemm first: " + folded.folded().size());
        }
        lines.add("  layers: " + String.join(", ", layers.stream().map(WeightedLayer::source).toList()));
        lines.addAll(WeightOverrides.describe(spec, layers));
        lines.addAll(QuantizeDiagnosisRun.preview(spec.diagnosis(), layers));
        return new Preview(graph, lines);
    }

    @Override
    public ModelGraph run(ModelGraph input, StageRun run) {
        if (spec.mode().equals("fp16")) {
            return half(input, run);
        }
        BatchNormFolding.Result folded = BatchNormFolding.fold(input);
        ModelGraph graph = folded.graph();
        List<WeightedLayer> layers = layers(graph);
        StaticQuantization.Grids weights = grids();
        if (spec.mode().equals("qat")) {
            run.context().report("batch_norms_folded", folded.folded().size());
            return QatRun.run(this, graph, run);
        }
        if (spec.mode().equals("dynamic")) {
            List<WeightedLayer> eligible = DynamicQuantization.eligible(graph, layers);
            run.context().log("quantize: dynamic, " + eligible.size() + " Gemm/MatMul layers");
            run.context().report("batch_norms_folded", folded.folded().size());
            run.context().report("layers", eligible.size());
            return spec.diagnosis().active() ? QuantizeDiagnosisRun.run(spec.diagnosis(), graph, eligible,
                    LayerSubsets.ofDynamic(graph, eligible, weights), run)
                    : DynamicQuantization.apply(graph, layers, weights);
        }
        var a = spec.activations();
        DataSplit train = run.context().dataset().orElseThrow(() -> new IllegalStateException(
                "quantize: static mode needs a data set")).train();
        int rows = (int) Math.min(a.rows(), train.size());
        QdqPlacement placement = QdqPlacement.of(graph, layers);
        // a diagnosis quantizes subsets of the layers, whose placements may calibrate tensors the full one shares
        Map<String, ClipRange> ranges = ActivationCalibration.calibrate(graph,
                train.features().get(NDArrayIndex.interval(0, rows)), spec.diagnosis().active() ? placement.tensors()
                        : placement.calibrated(), accumulators(), CALIBRATION_BATCH, a.bits(), a.symmetric());
        ModelGraph out = StaticQuantization.apply(graph, layers, placement, ranges, a.bits(), a.symmetric(), weights);
        run.context().log("quantize: " + layers.size() + " layers, " + placement.tensors().size()
                + " activations, calibrated on " + rows + " rows (" + a.calibrator() + ")");
        run.context().report("batch_norms_folded", folded.folded().size());
        run.context().report("layers", layers.size());
        run.context().report("activations", placement.tensors().size());
        run.context().report("calibration_rows", rows);
        run.context().report("calibrator", a.calibrator());
        return spec.diagnosis().active() ? QuantizeDiagnosisRun.run(spec.diagnosis(), graph, layers,
                LayerSubsets.ofStatic(graph, layers, ranges, a.bits(), a.symmetric(), weights), run) : out;
    }

    /**
     * Mode fp16: each selected layer's weight and bias rounded to float16 (ties to even) and annotated
     * {@link HalfPrecision}, so export writes FLOAT16 initializers with a Cast (no BN folding: nothing is quantized).
     */
    private ModelGraph half(ModelGraph graph, StageRun run) {
        List<WeightedLayer> layers = layers(graph);
        ModelGraph.Builder b = graph.toBuilder();
        int tensors = 0;
        for (WeightedLayer l : layers) {
            for (String t : new String[] {l.source(), l.bias()}) {
                if (t != null && graph.initializers().containsKey(t) && graph.annotations().getOrDefault(t,
                        List.of()).stream().noneMatch(x -> !(x instanceof dev.condense.api.model.WeightMask))) {
                    b.initializer(t, HalfPrecision.project(graph.initializers().get(t))).annotate(t, new HalfPrecision());
                    tensors++;
                }
            }
        }
        run.context().log("quantize: fp16, " + layers.size() + " layers, " + tensors + " tensors stored as float16");
        run.context().report("layers", layers.size());
        run.context().report("float16_tensors", tensors);
        return b.build();
    }

    /**
     * Each layer's weight grid: its options ({@link QuantizeStageSpec#weightsFor}: an override's or the stage's),
     * computed by the engine's {@link WeightGrid} or, with {@code weights.quantizer}, by that extension.
     */
    StaticQuantization.Grids grids() {
        return (l, w) -> {
            QuantizeStageSpec.Weights o = spec.weightsFor(l.source(), l.node().name());
            int axis = o.perChannel() ? StaticQuantization.channelAxis(l) : AffineQuantization.PER_TENSOR;
            return weightQuantizer == null ? WeightGrid.of(w, o.bits(), axis, o.symmetric(), o.reduceRange())
                    : weightQuantizer.grid(l.source(), w, o, axis);
        };
    }

    /** The resolved calibrator's accumulators (through the plugin guard), or the engine's min/max. */
    private Supplier<Calibrator.Accumulator> accumulators() {
        return calibrator == null ? MinMaxAccumulator::new : PluginAccumulators.factory(calibrator, calibratorParams);
    }

    /** The selected layers; located errors for a pattern matching nothing and for an empty selection. */
    List<WeightedLayer> layers(ModelGraph graph) {
        List<WeightedLayer> all = WeightedLayers.stored(graph).stream()
                .filter(l -> l.kind() != WeightedLayer.Kind.CONV_TRANSPOSE).toList();
        List<String> names = all.stream().map(WeightedLayer::source).distinct().toList();
        spec.layers().requireMatches(names, "layers", "quantizable layer", "layers");
        WeightOverrides.requireMatches(spec, all);
        List<WeightedLayer> chosen = all.stream().filter(l -> spec.layers().test(l.source())).toList();
        if (chosen.isEmpty()) {
            throw new RecipeException(spec.location(), "quantize: no float Conv, Gemm or MatMul layer to quantize"
                    + (names.isEmpty() ? " (already quantized, or none in the model)" : " after the layers filter"));
        }
        for (WeightedLayer l : chosen) {
            long[] shape = graph.initializers().get(l.source()).shape();
            QuantizeStageSpec.Weights w = spec.weightsFor(l.source(), l.node().name());
            if (w.perChannel() && !w.symmetric() && l.kind() == WeightedLayer.Kind.CONV
                    && !spec.mode().equals("fp16") && !spec.mode().equals("binary")) {
                throw new RecipeException(WeightOverrides.locationFor(spec, l), "quantize: conv weight "
                        + Quote.single(l.source()) + " per-channel asymmetric: ONNX Runtime's QLinearConv takes one"
                        + " zero point for all channels of a per-channel filter; use symmetric: true, or granularity:"
                        + " per-tensor for an asymmetric grid");
            }
            if (w.perChannel() && shape.length < 2
                    && !spec.mode().equals("fp16")) {
                throw new RecipeException(WeightOverrides.locationFor(spec, l), "quantize: weight "
                        + Quote.single(l.source()) + " has shape " + java.util.Arrays.toString(shape)
                        + ", no channel axis for per-channel quantization; use granularity: per-tensor or exclude it");
            }
        }
        return chosen;
    }

    @Override
    public Object resolvedBody() {
        QuantizeStageSpec.Weights w = spec.weights();
        var a = spec.activations();
        Map<String, Object> weights = new java.util.LinkedHashMap<>();
        if (spec.quantizer() != null) {
            weights.put("quantizer", spec.quantizer().id());
        }
        weights.putAll(WeightOverrides.resolved(w));
        Map<String, Object> layers = new java.util.LinkedHashMap<>();
        if (!spec.layers().include().isEmpty()) {
            layers.put("include", spec.layers().include().stream().map(LayerPattern::pattern).toList());
        }
        if (!spec.layers().exclude().isEmpty()) {
            layers.put("exclude", spec.layers().exclude().stream().map(LayerPattern::pattern).toList());
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("mode", spec.mode());
        if (!spec.mode().equals("fp16")) {
            body.put("weights", weights);
        }
        if (spec.mode().equals("qat")) {
            body.put("activations", ResolvedBodies.ordered("bits", a.bits(), "symmetric", a.symmetric(), "rows",
                    a.rows(), "ranges", spec.qat().ranges(), "decay", spec.qat().decay()));
            body.put("finetune", ResolvedBodies.train(spec.qat().finetune()));
        }
        if (!spec.overrides().isEmpty()) {
            body.put("overrides", WeightOverrides.resolvedOverrides(spec));
        }
        if (spec.mode().equals("static")) {
            // no calibrator key: the engine's built-in min/max (so a replay needs no calibrator plugin)
            Map<String, Object> acts = new java.util.LinkedHashMap<>(ResolvedBodies.ordered("bits", a.bits(),
                    "symmetric", a.symmetric(), "rows", a.rows()));
            if (calibrator != null) {
                acts.put("calibrator", ResolvedBodies.ordered(calibrator.id(),
                        ResolvedBodies.recordToMap(calibratorParams)));
            }
            body.put("activations", acts);
        }
        if (!layers.isEmpty()) {
            body.put("layers", layers);
        }
        body.putAll(spec.diagnosis().resolved());
        return body;
    }
}
