package dev.condense.kernel.stage.quantize;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.MinMaxAccumulator;
import dev.condense.api.train.TrainResult;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.quant.ActivationCalibration;
import dev.condense.engine.quant.QdqPlacement;
import dev.condense.engine.quant.StaticQuantization;
import dev.condense.engine.train.QuantizationAwareTraining;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.ResolvedBodies;
import dev.condense.kernel.stage.Trainings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code mode: qat}: quantization-aware training (Jacob et al. 2018, section 3) of the BN-folded graph, then the
 * export of static mode with the trained activation ranges, so what was trained is what ONNX Runtime runs.
 * <ol>
 *   <li>The activations of the {@link QdqPlacement} get starting ranges from min/max over the first
 *       {@code activations.rows} training rows (as static mode calibrates them).</li>
 *   <li>{@code finetune} trains with every selected layer's weight fake-quantized on the grid of its current values
 *       (its options: the stage's or an override's) and every placed activation fake-quantized on its range, kept by
 *       moving average, or with {@code ranges: learned} trained as LSQ step sizes
 *       ({@link QuantizationAwareTraining#learned}); straight-through gradients.</li>
 *   <li>The trained graph is annotated as in static mode ({@link StaticQuantization}) with the final ranges.</li>
 * </ol>
 */
final class QatRun {
    private QatRun() {
    }

    static ModelGraph run(QuantizeStep step, ModelGraph graph, StageRun run) {
        QuantizeStageSpec spec = step.spec();
        var a = spec.activations();
        List<WeightedLayer> layers = step.layers(graph);
        QdqPlacement placement = QdqPlacement.of(graph, layers);
        DataSplit train = run.context().dataset().orElseThrow(() -> new IllegalStateException(
                "quantize: qat mode needs a data set")).train();
        int rows = (int) Math.min(a.rows(), train.size());
        Map<String, ClipRange> initial = ActivationCalibration.calibrate(graph,
                train.features().get(NDArrayIndex.interval(0, rows)), placement.calibrated(), MinMaxAccumulator::new,
                QuantizeStep.CALIBRATION_BATCH, a.bits(), a.symmetric());
        Map<String, String> sourceOf = new LinkedHashMap<>();
        placement.tensors().forEach(t -> sourceOf.put(t, placement.source(t)));
        var hook = spec.qat().learned()
                ? QuantizationAwareTraining.learned(formats(spec, layers), sourceOf, initial, a.bits(), a.symmetric())
                : new QuantizationAwareTraining(formats(spec, layers), sourceOf, initial, a.bits(), a.symmetric(),
                        spec.qat().decay());
        TrainResult r = run.context().train(graph, spec.qat().finetune(), List.of(hook));
        ModelGraph trained = Trainings.reported(run.context(), spec.qat().finetune(), r);
        List<WeightedLayer> trainedLayers = step.layers(trained);
        Map<String, ClipRange> ranges = hook.ranges();
        ModelGraph out = StaticQuantization.apply(trained, trainedLayers, QdqPlacement.of(trained, trainedLayers),
                ranges, a.bits(), a.symmetric(), step.grids());
        run.context().log("quantize: qat, " + layers.size() + " layers, " + placement.tensors().size()
                + " activations, ranges from " + rows + " rows then " + kept(spec));
        run.context().report("layers", layers.size());
        run.context().report("activations", placement.tensors().size());
        run.context().report("calibration_rows", rows);
        run.context().report("activation_ranges", describe(initial, ranges));
        return out;
    }

    /** How each selected layer's weight is fake-quantized during training: its options, its channel axis. */
    static Map<String, QuantizationAwareTraining.WeightFormat> formats(QuantizeStageSpec spec,
                                                                       List<WeightedLayer> layers) {
        Map<String, QuantizationAwareTraining.WeightFormat> out = new LinkedHashMap<>();
        for (WeightedLayer l : layers) {
            QuantizeStageSpec.Weights w = spec.weightsFor(l.source(), l.node().name());
            int axis = w.perChannel() ? StaticQuantization.channelAxis(l) : AffineQuantization.PER_TENSOR;
            out.put(l.source(), new QuantizationAwareTraining.WeightFormat(axis,
                    w.reduceRange() ? Math.min(7, w.bits()) : w.bits(), w.symmetric()));
        }
        return out;
    }

    /** The preview line of a qat stage. */
    static String describe(QuantizeStageSpec spec, ModelGraph graph, List<WeightedLayer> layers, String weights) {
        QdqPlacement p = QdqPlacement.of(graph, layers);
        var a = spec.activations();
        return "quantize: qat (quantization-aware training), " + layers.size() + " layer" + (layers.size() == 1 ? ""
                : "s") + ", " + weights + " fake-quantized on their current grid, " + p.tensors().size()
                + " activations " + (a.symmetric() ? "int8 symmetric" : "uint8 asymmetric") + " (ranges from min/max"
                + " on " + a.rows() + " training rows, then " + kept(spec) + "), fine-tuning "
                + Trainings.describe(spec.qat().finetune()) + ", QDQ export";
    }

    /** How the ranges are kept during the fine-tuning: EMA with its decay, or learned step sizes. */
    private static String kept(QuantizeStageSpec spec) {
        return spec.qat().learned() ? "learned step sizes (LSQ, zero points kept)"
                : "EMA decay " + Trainings.number(spec.qat().decay());
    }

    private static Map<String, Object> describe(Map<String, ClipRange> initial, Map<String, ClipRange> trained) {
        Map<String, Object> out = new LinkedHashMap<>();
        trained.forEach((t, r) -> out.put(t, ResolvedBodies.ordered("start", List.of(initial.get(t).min(),
                initial.get(t).max()), "trained", List.of(r.min(), r.max()))));
        return out;
    }
}
