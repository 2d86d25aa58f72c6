package dev.condense.kernel.stage.quantize;

import dev.condense.api.train.TrainSpec;
import java.util.List;
import java.util.Objects;

/**
 * The quantization-aware training of a {@code quantize} stage in {@code mode: qat}: {@code finetune} (a training
 * body: epochs, batch, optimizer, lr-schedule, ...) and how activation ranges are kept during it
 * ({@code activations: {ranges, decay}}).
 *
 * @param finetune the fine-tuning, with fake-quantized weights and activations
 * @param ranges   {@code ema}: each range is an exponential moving average of the batch min/max, starting from a
 *                 min/max calibration on {@code activations.rows} training rows; {@code learned}: each range's step
 *                 size is trained with the weights (LSQ, Esser et al. 2020), from the same min/max start
 * @param decay    the EMA decay, in [0, 1): the weight of the previous average at each step (unused when learned)
 */
public record QatSpec(TrainSpec finetune, String ranges, double decay) {
    /** Accepted values of {@code activations.ranges}. */
    public static final List<String> RANGES = List.of("ema", "learned");
    /** The default EMA decay: about the last 100 batches weigh. */
    public static final double DEFAULT_DECAY = 0.99;

    public QatSpec {
        Objects.requireNonNull(finetune, "finetune");
        if (!RANGES.contains(ranges)) {
            throw new IllegalArgumentException("activations.ranges must be one of " + RANGES + ", was " + ranges);
        }
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("activations.decay must be in [0, 1), was " + decay);
        }
    }

    /** True when the activation ranges are trained ({@code ranges: learned}). */
    public boolean learned() {
        return ranges.equals("learned");
    }
}
