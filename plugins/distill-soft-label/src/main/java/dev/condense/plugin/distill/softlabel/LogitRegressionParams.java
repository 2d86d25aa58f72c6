package dev.condense.plugin.distill.softlabel;

/**
 * Params of the logit-regression distillation loss, bound from the recipe (e.g. {@code loss: {logit-regression:
 * {alpha: 1}}}).
 *
 * @param alpha weight of the regression term in [0, 1]; default 0.9, as {@link SoftLabelParams}. The hard term
 *              (cross-entropy with the true labels) gets {@code 1 - alpha}; alpha 0 is plain training
 */
public record LogitRegressionParams(Double alpha) {

    public LogitRegressionParams {
        alpha = alpha == null ? 0.9 : alpha;
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
    }

    /** The default: alpha 0.9. */
    public LogitRegressionParams() {
        this(null);
    }
}
