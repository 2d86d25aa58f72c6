package dev.condense.kernel.plugin;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import java.util.Objects;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Accumulators of a {@link Calibrator} that may come from a plugin, for the engine's calibration runner: every call
 * into the accumulator ({@code passes}, {@code observe}, {@code range}) runs through {@link PluginCalls#in}, so it
 * sees the plugin's class loader as context loader and a failure names the plugin.
 */
public final class PluginAccumulators {
    private PluginAccumulators() {
    }

    /**
     * A factory of fresh accumulators of {@code calibrator} with {@code params} (an instance of its
     * {@link Calibrator#paramsType()}, as bound from the recipe).
     *
     * @throws IllegalArgumentException when {@code params} is not of the calibrator's params type
     */
    public static Supplier<Accumulator> factory(Calibrator<?> calibrator, Record params) {
        Objects.requireNonNull(calibrator, "calibrator");
        if (!calibrator.paramsType().isInstance(params)) {
            throw new IllegalArgumentException("calibrator '" + calibrator.id() + "' takes params of type "
                    + calibrator.paramsType().getName() + ", got " + (params == null ? "null" : params.getClass().getName()));
        }
        return () -> new Guarded(calibrator, PluginCalls.in(calibrator, () -> create(calibrator, params)));
    }

    @SuppressWarnings("unchecked")
    private static <P extends Record> Accumulator create(Calibrator<P> calibrator, Record params) {
        return calibrator.accumulator((P) params);
    }

    /** Delegates to a plugin's accumulator inside {@link PluginCalls#in}. */
    private record Guarded(Calibrator<?> owner, Accumulator inner) implements Accumulator {
        @Override
        public int passes() {
            return PluginCalls.in(owner, inner::passes);
        }

        @Override
        public void observe(int pass, INDArray values) {
            PluginCalls.in(owner, () -> {
                inner.observe(pass, values);
                return null;
            });
        }

        @Override
        public ClipRange range(int bits, boolean symmetric) {
            return PluginCalls.in(owner, () -> inner.range(bits, symmetric));
        }
    }
}
