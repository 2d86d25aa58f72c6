package dev.condense.plugin.distill.tinybert;

/**
 * Params of {@code tinybert-prediction}, e.g. {@code loss: {tinybert-prediction: {temperature: 1}}}.
 *
 * @param temperature t of both softmaxes in (0, 100]; default 1, the paper's choice (Jiao et al. 2020, eq. 10)
 */
public record TinyBertPredictionParams(Double temperature) {

    public TinyBertPredictionParams {
        temperature = temperature == null ? 1.0 : temperature;
        if (!(temperature > 0 && temperature <= 100)) {
            throw new IllegalArgumentException("temperature must be in (0, 100], was " + temperature);
        }
    }

    /** The default: temperature 1. */
    public TinyBertPredictionParams() {
        this(null);
    }
}
