package dev.condense.engine.train;

/**
 * Running-statistics bookkeeping of one BatchNormalization node in a training graph: after every iteration the
 * trainer sets {@code running = momentum * running + (1 - momentum) * batch} for mean and variance (ONNX
 * BatchNormalization-14 training-mode semantics; the batch variance is the biased, population variance over
 * {@code N, H, W}, as in the op's normalization).
 *
 * @param runningMean initializer name of the running mean {@code [C]}
 * @param runningVar  initializer name of the running variance {@code [C]}
 * @param batchMean   SameDiff variable holding the batch mean {@code [C]}
 * @param batchVar    SameDiff variable holding the batch variance {@code [C]}
 * @param momentum    ONNX momentum in [0, 1] (default 0.9): weight of the old running value
 */
public record BatchNormStats(String runningMean, String runningVar, String batchMean, String batchVar, double momentum) {
}
