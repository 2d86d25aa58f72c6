package dev.condense.kernel.stage.quantize;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.QuantizerCalls;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code weights.quantizer}: the weight grids of a quantize stage computed by a {@link Quantizer} extension (e.g.
 * {@code affine}, the {@code quant-affine} plugin) instead of the engine's built-in grid. The extension's params are
 * bound at plan time from the stage's weight options ({@code bits, granularity, symmetric, reduce-range}), once per
 * distinct options (the stage's and each override's), so an extension that does not take them is a located error
 * before any work. The extension groups per-channel scales along axis 0; a weight whose channel axis is 1 (MatMul,
 * Gemm without transB) is handed over transposed.
 *
 * @param quantizer the resolved extension
 * @param params    its bound params per weight options
 */
record WeightQuantizer(Quantizer<?> quantizer, Map<QuantizeStageSpec.Weights, Record> params) {

    static WeightQuantizer plan(QuantizeStageSpec spec, PlanContext context) {
        if (!spec.quantizer().params().node().isNull() && !spec.quantizer().params().node().isMissingNode()) {
            throw spec.quantizer().params().fail("the quantizer takes its options from weights (bits, granularity,"
                    + " symmetric, reduce-range) and per-layer overrides; write quantizer: " + spec.quantizer().id());
        }
        Quantizer<?> q = context.resolve(Quantizer.class, spec.quantizer(), "quantizer");
        Map<QuantizeStageSpec.Weights, Record> params = new LinkedHashMap<>();
        params.put(spec.weights(), bind(spec, context, q, spec.weights()));
        for (WeightOverride o : spec.overrides()) {
            params.computeIfAbsent(o.weights(), w -> bind(spec, context, q, w));
        }
        return new WeightQuantizer(q, params);
    }

    private static Record bind(QuantizeStageSpec spec, PlanContext context, Quantizer<?> q,
                               QuantizeStageSpec.Weights w) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("bits", w.bits())
                .put("granularity", w.perChannel() ? "per-channel" : "per-tensor").put("symmetric", w.symmetric())
                .put("reduce-range", w.reduceRange());
        NodeRef at = spec.quantizer().params();
        return context.binder().bind(new NodeRef(at.tree(), at.pointer(), node), q.paramsType());
    }

    /** The grid of weight {@code w} with options {@code o}, channel axis {@code axis} (or per tensor). */
    AffineQuantization grid(String name, INDArray w, QuantizeStageSpec.Weights o, int axis) {
        INDArray oriented = axis == 1 ? w.transpose().dup('c') : w;
        QuantizerCalls calls = new QuantizerCalls(quantizer);
        QuantizedTensor q = calls.quantize(name, oriented, params.get(o));
        if (q.scale() == null || q.zeroPoint() == null) {
            throw calls.unusable(name, "no affine scale and zero point (a quantize stage's weights need an affine"
                    + " scheme)");
        }
        return new AffineQuantization(q.scale(), q.zeroPoint(), axis, q.bits(), o.symmetric());
    }
}
