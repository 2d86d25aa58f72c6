package dev.condense.api.train;

/**
 * Optimizer settings for a training or fine-tuning run.
 *
 * @param kind        {@code adam} or {@code sgd}
 * @param lr          learning rate, &gt; 0
 * @param momentum    SGD momentum in [0,1); ignored by Adam
 * @param weightDecay L2 weight decay coefficient, &gt;= 0
 */
public record OptimizerSpec(String kind, double lr, double momentum, double weightDecay) {

    public OptimizerSpec {
        if (!"adam".equals(kind) && !"sgd".equals(kind)) {
            throw new IllegalArgumentException("optimizer must be adam or sgd, was " + kind);
        }
        if (!(lr > 0) || lr > 10) {
            throw new IllegalArgumentException("lr must be in (0, 10], was " + lr);
        }
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), was " + momentum);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weight-decay must be >= 0, was " + weightDecay);
        }
    }

    public static OptimizerSpec adam(double lr) {
        return new OptimizerSpec("adam", lr, 0, 0);
    }
}
