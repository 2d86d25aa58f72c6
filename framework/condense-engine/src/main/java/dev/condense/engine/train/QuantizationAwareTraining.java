package dev.condense.engine.train;

import dev.condense.api.quant.Calibrator.ClipRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Quantization-aware training (Jacob et al. 2018, "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference", CVPR, section 3): every step, the forward pass reads each named weight through
 * the fake quantization of its own current grid ({@link FakeQuantization#weight}) and each named activation through
 * the fake quantization of its range ({@link FakeQuantization#activation}); the rounding's gradient is the
 * straight-through estimator (clipped for activations). The optimizer moves the float weights.
 *
 * <p>Activation ranges: each calibrated tensor keeps an exponential moving average of its batch min and max,
 * {@code ema = decay * ema + (1 - decay) * batch}, starting from {@code initial} (e.g. a min/max calibration). A
 * calibrated tensor's forward pass uses the average updated with its own batch (as the paper does); a tensor that
 * shares another's grid ({@code sourceOf}) uses that tensor's average before this batch (its batch range is computed
 * later in the graph). {@link #ranges()} are the final averages, for the export: the trained model is then exported
 * with exactly the grids it was trained with, up to float32 rounding of scales.
 *
 * <p>Or, built by {@link #learned}, the ranges are trained: each calibrated tensor's step size is a variable the
 * optimizer updates, LSQ (Esser et al. 2020; {@link LearnedStepSize}), starting from {@code initial}.
 */
public final class QuantizationAwareTraining implements TrainingHook {
    /**
     * How a weight is fake-quantized.
     *
     * @param axis      the channel axis, or {@code AffineQuantization.PER_TENSOR}
     * @param bits      2 to 8 (after any reduce-range cap)
     * @param symmetric signed with zero point 0, else unsigned with a zero point
     */
    public record WeightFormat(int axis, int bits, boolean symmetric) {
        public WeightFormat {
            if (bits < 2 || bits > 8) {
                throw new IllegalArgumentException("weight bits must be in [2, 8], was " + bits);
            }
        }
    }

    private final Map<String, WeightFormat> weights;
    private final Map<String, String> sourceOf;
    private final Map<String, double[]> ema = new LinkedHashMap<>();
    private final int bits;
    private final boolean symmetric;
    private final double decay;
    private final LearnedStepSize learned;
    private final Map<String, String[]> placeholders = new LinkedHashMap<>();   // source -> {lo, hi}
    private final Map<String, String[]> batchRange = new LinkedHashMap<>();     // source -> {min, max} variables

    /**
     * @param weights   trainable weights to fake-quantize, by initializer name
     * @param sourceOf  every activation tensor to fake-quantize, mapped to the calibrated tensor whose range it uses
     *                  (itself for a calibrated tensor)
     * @param initial   the starting range of every calibrated tensor
     * @param bits      activation bits, 2 to 8
     * @param symmetric signed activations with zero point 0 (else unsigned asymmetric)
     * @param decay     EMA decay in [0, 1): the weight of the previous average
     */
    public QuantizationAwareTraining(Map<String, WeightFormat> weights, Map<String, String> sourceOf,
                                     Map<String, ClipRange> initial, int bits, boolean symmetric, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1), was " + decay);
        }
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("activation bits must be in [2, 8], was " + bits);
        }
        this.weights = new LinkedHashMap<>(weights);
        this.sourceOf = new LinkedHashMap<>(sourceOf);
        startingRanges(sourceOf, initial).forEach((s, r) -> ema.put(s, new double[] {r.min(), r.max()}));
        this.bits = bits;
        this.symmetric = symmetric;
        this.decay = decay;
        this.learned = null;
    }

    private QuantizationAwareTraining(Map<String, WeightFormat> weights, Map<String, String> sourceOf,
                                      Map<String, ClipRange> initial, int bits, boolean symmetric) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("activation bits must be in [2, 8], was " + bits);
        }
        Map<String, ClipRange> used = startingRanges(sourceOf, initial);
        this.weights = new LinkedHashMap<>(weights);
        this.sourceOf = new LinkedHashMap<>(sourceOf);
        this.bits = bits;
        this.symmetric = symmetric;
        this.decay = Double.NaN;
        this.learned = new LearnedStepSize(used, bits, symmetric);
    }

    /** Each calibrated tensor's starting range, in {@code sourceOf} order (ranges() is reported in it). */
    private static Map<String, ClipRange> startingRanges(Map<String, String> sourceOf, Map<String, ClipRange> initial) {
        Map<String, ClipRange> out = new LinkedHashMap<>();
        for (String s : sourceOf.values()) {
            ClipRange r = initial.get(s);
            if (r == null) {
                throw new IllegalArgumentException("no initial range for activation '" + s + "'");
            }
            out.putIfAbsent(s, r);
        }
        return out;
    }

    /**
     * Quantization-aware training with learned activation ranges (LSQ, {@link LearnedStepSize}): parameters as the
     * EMA constructor's, without a decay; {@code initial} gives each calibrated tensor's starting step size.
     */
    public static QuantizationAwareTraining learned(Map<String, WeightFormat> weights, Map<String, String> sourceOf,
                                                    Map<String, ClipRange> initial, int bits, boolean symmetric) {
        return new QuantizationAwareTraining(weights, sourceOf, initial, bits, symmetric);
    }

    @Override
    public void lower(Lowering lowering) {
        weights.forEach((name, f) -> {
            int rank = lowering.graph().initializers().get(name).rank();
            lowering.view(name, (sd, w, v) -> FakeQuantization.weight(sd, v, rank, f.axis(), f.bits(), f.symmetric()));
        });
        if (learned != null) {
            learned.reset();
            Map<String, long[]> shapes = dev.condense.engine.graph.ShapeInference.infer(lowering.graph());
            sourceOf.forEach((tensor, source) -> lowering.activation(tensor, (sd, t, x) ->
                    learned.view(sd, source, x, features(shapes.get(tensor)))));
            return;
        }
        sourceOf.forEach((tensor, source) -> lowering.activation(tensor, (sd, t, x) -> view(sd, tensor, source, x)));
    }

    /** Elements per example of a tensor of static shape {@code shape} (batch first). */
    private static long features(long[] shape) {
        long n = 1;
        for (int d = 1; d < shape.length; d++) {
            n *= Math.max(1, shape[d]);
        }
        return n;
    }

    private SDVariable view(SameDiff sd, String tensor, String source, SDVariable x) {
        String[] p = placeholders.computeIfAbsent(source, s -> new String[] {
                sd.placeHolder("condense.qat." + s + ".lo", DataType.FLOAT).name(),
                sd.placeHolder("condense.qat." + s + ".hi", DataType.FLOAT).name()});
        SDVariable lo = sd.getVariable(p[0]);
        SDVariable hi = sd.getVariable(p[1]);
        if (tensor.equals(source)) {
            SDVariable min = x.min();
            SDVariable max = x.max();
            batchRange.put(source, new String[] {min.name(), max.name()});
            lo = lo.mul(decay).add(stop(sd, min).mul(1 - decay));
            hi = hi.mul(decay).add(stop(sd, max).mul(1 - decay));
        }
        return FakeQuantization.activation(sd, x, lo, hi, bits, symmetric);
    }

    @Override
    public Set<String> observed() {
        Set<String> out = new java.util.HashSet<>();
        batchRange.values().forEach(v -> out.addAll(List.of(v)));
        return out;
    }

    @Override
    public void beforeStep(StepState step) {
        placeholders.forEach((source, p) -> {
            double[] r = ema.get(source);
            step.feed(p[0], Nd4j.scalar((float) r[0]));
            step.feed(p[1], Nd4j.scalar((float) r[1]));
        });
    }

    /** Moves every calibrated tensor's average towards its batch range, as its forward pass did. */
    @Override
    public void afterStep(StepState step) {
        if (learned != null) {
            learned.read(step);
            return;
        }
        batchRange.forEach((source, v) -> {
            INDArray min = step.observed(v[0]);
            INDArray max = step.observed(v[1]);
            if (min == null || max == null) {
                throw new IllegalStateException("the batch range of activation '" + source + "' was not computed");
            }
            double[] r = ema.get(source);
            r[0] = (float) (decay * (float) r[0] + (1 - decay) * min.getFloat(0));
            r[1] = (float) (decay * (float) r[1] + (1 - decay) * max.getFloat(0));
        });
    }

    /**
     * The current range of every calibrated tensor (widened to contain 0), in the order of {@code sourceOf}; learned
     * ranges are {@link LearnedStepSize#ranges}.
     */
    public Map<String, ClipRange> ranges() {
        if (learned != null) {
            return learned.ranges();
        }
        Map<String, ClipRange> out = new LinkedHashMap<>();
        ema.forEach((s, r) -> out.put(s, new ClipRange(Math.min(r[0], 0), Math.max(Math.max(r[1], 0),
                Math.min(r[0], 0) + Float.MIN_NORMAL))));
        return out;
    }

    private static SDVariable stop(SameDiff sd, SDVariable x) {
        return new org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient(sd, x).outputVariable();
    }
}
