package dev.condense.plugin.distill.stepbystep;

/**
 * Params of {@code step-by-step}, e.g. {@code loss: {step-by-step: {alpha: 0.5, vocabulary: 2000, length: 24}}}.
 *
 * @param alpha      weight of the label loss in [0, 1]; the rationale loss gets {@code 1 - alpha}; default 0.5, the
 *                   paper's (Hsieh et al. 2023, eq. 3 with lambda = 1 is alpha 0.5 up to scale). 1 is labels-only
 *                   training (the head is not built)
 * @param vocabulary K, the rationale head's output vocabulary: the K most frequent word pieces of the training
 *                   rationales, plus one UNK class for the rest; in [1, 30000], default 2000
 * @param length     T, rationale pieces the head is trained to generate (the first T of each rationale); in
 *                   [1, 512], default 24
 * @param width      d, the decoder's width; in [8, 1024], default 128
 * @param tie        true: the head reads and predicts pieces through the student's own token embeddings (as T5
 *                   shares them between encoder and decoder), so the rationale task trains them directly; false
 *                   (default): the head has its own one-hot embeddings and output layer
 * @param copy       true: the head is a pointer-generator (See et al. 2017) that may copy a piece of the input pair
 *                   by attention over the student's token states instead of generating it; false (default): it only
 *                   generates
 */
public record StepByStepParams(Double alpha, Integer vocabulary, Integer length, Integer width, Boolean tie,
                               Boolean copy) {

    public StepByStepParams {
        alpha = alpha == null ? 0.5 : alpha;
        vocabulary = vocabulary == null ? 2000 : vocabulary;
        length = length == null ? 24 : length;
        width = width == null ? 128 : width;
        tie = tie != null && tie;
        copy = copy != null && copy;
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
        if (vocabulary < 1 || vocabulary > 30000) {
            throw new IllegalArgumentException("vocabulary must be in [1, 30000], was " + vocabulary);
        }
        if (length < 1 || length > 512) {
            throw new IllegalArgumentException("length must be in [1, 512], was " + length);
        }
        if (width < 8 || width > 1024) {
            throw new IllegalArgumentException("width must be in [8, 1024], was " + width);
        }
    }

    /** The defaults: alpha 0.5, vocabulary 2000, length 24, width 128, untied, no copying. */
    public StepByStepParams() {
        this(null, null, null, null, null, null);
    }

    /** Params without copying. */
    public StepByStepParams(Double alpha, Integer vocabulary, Integer length, Integer width, Boolean tie) {
        this(alpha, vocabulary, length, width, tie, null);
    }
}
