package dev.condense.engine.train;

import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Measures the training loss of a SameDiff graph on a fixed sample (features {@code [n, ...]}, one-hot labels
 * {@code [n, C]}), in inference mode. The sample is fixed, so values are comparable from epoch to epoch.
 */
final class LossProbe {
    private final String input;
    private final String label;
    private final String loss;
    private final DataSet sample;

    LossProbe(String input, String label, String loss, DataSet sample) {
        this.input = input;
        this.label = label;
        this.loss = loss;
        this.sample = sample;
    }

    /** Mean loss over the sample. */
    double loss(SameDiff sd) {
        return sd.outputSingle(Map.of(input, sample.getFeatures(), label, sample.getLabels()), loss)
                .sumNumber().doubleValue();
    }
}
