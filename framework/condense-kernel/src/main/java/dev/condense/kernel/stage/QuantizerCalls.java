package dev.condense.kernel.stage;

import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.kernel.plugin.PluginCalls;
import dev.condense.kernel.run.PluginFailureException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Quantizer} plugin called from a stage: each call runs in the plugin's class loader
 * ({@link PluginCalls#in}) with the params record the stage bound for it, and whatever the plugin throws becomes a
 * {@link PluginFailureException} naming the quantizer and the weight (the cluster, quantize and binary quantize stages
 * share this).
 *
 * @param quantizer the plugin's extension
 */
public record QuantizerCalls(Quantizer<?> quantizer) {

    /**
     * {@code quantizer.quantize(w, params)}.
     *
     * @param weight names the weight in errors
     * @param params an instance of {@code quantizer.paramsType()}, bound by the stage
     * @throws PluginFailureException if the plugin throws
     */
    public QuantizedTensor quantize(String weight, INDArray w, Record params) {
        try {
            return PluginCalls.in(quantizer, () -> call(w, params));
        } catch (RuntimeException e) {
            throw failure(weight, e.toString(), e);
        }
    }

    /** {@code quantizer.dequantize(q)}. @throws PluginFailureException if the plugin throws */
    public INDArray dequantize(String weight, QuantizedTensor q) {
        try {
            return PluginCalls.in(quantizer, () -> quantizer.dequantize(q));
        } catch (RuntimeException e) {
            throw failure(weight, e.toString(), e);
        }
    }

    /** "quantizer 'ID' gave weight W ..." for a result the stage cannot use (no codebook, no scale, ...). */
    public PluginFailureException unusable(String weight, String what) {
        return new PluginFailureException("quantizer '" + quantizer.id() + "' gave weight " + weight + " " + what,
                null);
    }

    private PluginFailureException failure(String weight, String cause, RuntimeException e) {
        return new PluginFailureException("quantizer '" + quantizer.id() + "' failed on weight " + weight + ": "
                + cause, e);
    }

    @SuppressWarnings("unchecked")
    private <P extends Record> QuantizedTensor call(INDArray w, Record p) {
        return ((Quantizer<P>) quantizer).quantize(w, (P) p);
    }
}
