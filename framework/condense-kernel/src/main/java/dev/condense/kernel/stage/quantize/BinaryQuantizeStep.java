package dev.condense.kernel.stage.quantize;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.BitPacking;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.api.train.TrainResult;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.rewrite.Binarization;
import dev.condense.engine.train.XnorBinarization;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.QuantizerCalls;
import dev.condense.kernel.stage.ResolvedBodies;
import dev.condense.kernel.stage.Trainings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A planned {@code quantize} stage in {@code mode: binary}: XNOR-Net (Rastegari et al. 2016). The model is trained
 * ({@code finetune}) with the {@link XnorBinarization} hook on the selected layers ({@link BinaryLayers}): forward
 * with {@code mean(|W_c|) * sign(W)} and {@code sign(x)} of each layer's input, backward through the clipped
 * straight-through estimator. Then each weight is replaced by the {@code binary} quantizer's reconstruction
 * ({@code alpha_c * B}, B in {-1, +1}), annotated as a per-channel 2-bit signed affine quantization with zero point 0
 * (so export writes int8 codes and a DequantizeLinear: ONNX Runtime has no binary kernels, the codes are expanded to
 * one byte each), and a {@code Sign} node is inserted before each layer ({@link Binarization#signs}). The report gives
 * the binarized layers' storage at one bit per weight, measured on the packed bytes ({@link BitPacking}), against
 * float32. No BatchNormalization is folded. Names and shapes are kept; the Sign nodes {@code t.sign} are added.
 */
record BinaryQuantizeStep(BinaryQuantizeSpec spec, Quantizer<?> quantizer, Record params) implements PlannedStage {

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
        Trainings.checkAugment(spec.finetune(), spec.location(), input);
        BinaryLayers sel = BinaryLayers.select(input, spec);
        List<String> lines = new ArrayList<>();
        lines.add("quantize: binary (XNOR-Net), " + sel.layers().size() + " layer" + (sel.layers().size() == 1 ? ""
                : "s") + ": 1-bit weights with a scale per output channel, sign of their inputs; trained "
                + Trainings.describe(spec.finetune()) + " (straight-through estimator)");
        lines.add("  layers: " + String.join(", ", sel.weights().stream().sorted().toList())
                + (sel.keptFloat().isEmpty() ? "" : "; kept float: " + String.join(", ", sel.keptFloat())));
        lines.add("  export: binary weights expanded to int8 codes for ONNX Runtime (no binary kernels)");
        return new Preview(Binarization.signs(input, sel.activations()), lines);
    }

    @Override
    public ModelGraph run(ModelGraph input, StageRun run) {
        BinaryLayers sel = BinaryLayers.select(input, spec);
        var ctx = run.context();
        ctx.log("quantize: binary, " + sel.layers().size() + " layers, training with binary weights and inputs");
        TrainResult trained = ctx.train(input, spec.finetune(), List.of(new XnorBinarization(sel.weights(),
                sel.activations())));
        ModelGraph graph = Trainings.reported(ctx, spec.finetune(), trained);
        ModelGraph.Builder b = graph.toBuilder();
        long weights = 0;
        long packed = 0;
        long scales = 0;
        QuantizerCalls calls = new QuantizerCalls(quantizer);
        for (WeightedLayer l : sel.layers()) {
            INDArray w = graph.initializers().get(l.source());
            QuantizedTensor q = calls.quantize(l.source(), w, params);
            INDArray value = calls.dequantize(l.source(), q).castTo(DataType.FLOAT);
            check(q, value, w, l.source());
            int axis = q.scale().length() == 1 ? AffineQuantization.PER_TENSOR : 0;
            b.initializer(l.source(), value).annotate(l.source(),
                    new AffineQuantization(q.scale(), q.zeroPoint(), axis, 2, true));
            long bytes = BitPacking.pack(q.codes()).length;
            ctx.log("  " + l.source() + " " + Arrays.toString(w.shape()) + ": " + w.length() + " weights, " + bytes
                    + " bytes packed + " + 4 * q.scale().length() + " bytes of float32 scales (float32: "
                    + 4 * w.length() + " bytes)");
            weights += w.length();
            packed += bytes;
            scales += 4 * q.scale().length();
        }
        ModelGraph out = Binarization.signs(b.build(), sel.activations());
        ctx.log(String.format("quantize: binarized storage %d bytes (%d packed + %d scales) vs %d bytes float32:"
                + " %.1fx smaller (%.1fx for the codes alone); expanded for ONNX Runtime to int8 codes (no binary"
                + " kernels)", packed + scales, packed, scales, 4 * weights, 4.0 * weights / (packed + scales),
                4.0 * weights / packed));
        ctx.report("binarized_layers", sel.weights().stream().sorted().toList());
        ctx.report("kept_float", sel.keptFloat());
        ctx.report("binary_weights", weights);
        ctx.report("binary_packed_bytes", packed);
        ctx.report("binary_scale_bytes", scales);
        ctx.report("binary_float32_bytes", 4 * weights);
        ctx.report("binary_storage_ratio", Math.round(400.0 * weights / (packed + scales)) / 100.0);
        ctx.report("binary_export", "expanded for ONNX Runtime: int8 codes with a DequantizeLinear per weight");
        return out;
    }

    /** The quantizer's result must be binary: codes +-1 in the weight's shape, one positive scale per channel. */
    private void check(QuantizedTensor q, INDArray value, INDArray w, String name) {
        boolean binary = Arrays.equals(q.codes().shape(), w.shape()) && q.scale() != null
                && (q.scale().length() == 1 || q.scale().length() == w.size(0))
                && q.codes().castTo(DataType.FLOAT).eq(1).castTo(DataType.INT32).sumNumber().longValue()
                + q.codes().castTo(DataType.FLOAT).eq(-1).castTo(DataType.INT32).sumNumber().longValue() == w.length()
                && Arrays.equals(value.shape(), w.shape());
        if (!binary) {
            throw new IllegalStateException("quantizer '" + quantizer.id() + "' did not return binary codes with a"
                    + " scale per output channel for " + name);
        }
    }

    @Override
    public Object resolvedBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", "binary");
        body.put("binary", ResolvedBodies.ordered("finetune", ResolvedBodies.train(spec.finetune()),
                "include-first-last", spec.includeFirstLast()));
        Map<String, Object> layers = new LinkedHashMap<>();
        if (!spec.layers().include().isEmpty()) {
            layers.put("include", spec.layers().include().stream().map(LayerPattern::pattern).toList());
        }
        if (!spec.layers().exclude().isEmpty()) {
            layers.put("exclude", spec.layers().exclude().stream().map(LayerPattern::pattern).toList());
        }
        if (!layers.isEmpty()) {
            body.put("layers", layers);
        }
        return body;
    }
}
