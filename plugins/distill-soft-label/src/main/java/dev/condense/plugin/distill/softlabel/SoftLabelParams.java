package dev.condense.plugin.distill.softlabel;

/**
 * Params of the soft-label distillation loss, bound from the recipe (e.g. {@code loss: {soft-label: {temperature:
 * 4, alpha: 0.9}}}).
 *
 * @param temperature softening temperature T of both softmaxes in the soft term, in (0, 100]; default 4. T = 1 is the
 *                    teacher's plain probabilities; larger T exposes the ratios between the wrong classes ("dark
 *                    knowledge", Hinton et al. 2015, who used T in [2, 20])
 * @param alpha       weight of the soft term in [0, 1]; default 0.9. The hard term (cross-entropy with the true labels)
 *                    gets {@code 1 - alpha}; alpha 0 is plain training
 */
public record SoftLabelParams(Double temperature, Double alpha) {

    public SoftLabelParams {
        temperature = temperature == null ? 4.0 : temperature;
        alpha = alpha == null ? 0.9 : alpha;
        if (!(temperature > 0 && temperature <= 100)) {
            throw new IllegalArgumentException("temperature must be in (0, 100], was " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
    }

    /** The defaults: temperature 4, alpha 0.9. */
    public SoftLabelParams() {
        this(null, null);
    }
}
