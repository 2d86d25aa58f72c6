package dev.condense.api.train;

/**
 * Norm limits applied at every optimizer step of a training run; each is off at 0.
 *
 * <p>{@code clipNorm}: gradient clipping by the global L2 norm (Pascanu, Mikolov &amp; Bengio 2013, "On the
 * difficulty of training recurrent neural networks"). Before the updater, the loss gradients of all trainable
 * weights, taken together as one vector {@code g}, are scaled by {@code min(1, clipNorm / ||g||_2)}: a step whose
 * gradient norm exceeds {@code clipNorm} gets norm {@code clipNorm} exactly, direction kept; smaller gradients are
 * untouched. Weight decay (L2) is added by the optimizer after clipping, as in PyTorch's
 * {@code clip_grad_norm_} before {@code optimizer.step()}.
 *
 * <p>{@code maxNorm}: the max-norm weight constraint of dropout training (Hinton et al. 2012, "Improving neural
 * networks by preventing co-adaptation of feature detectors"; Srivastava et al. 2014, "Dropout: a simple way to
 * prevent neural networks from overfitting", section 5.1). After every update, the incoming weight vector of every
 * unit (a row of a {@code Gemm} weight with {@code transB = 1}, a column of a {@code MatMul} weight, one output
 * channel's {@code [C, kh, kw]} filter of a {@code Conv}) whose L2 norm exceeds {@code maxNorm} is scaled back onto
 * the ball of radius {@code maxNorm}; biases are not constrained.
 *
 * @param clipNorm largest global gradient L2 norm, finite, &gt;= 0; 0 = no clipping
 * @param maxNorm  largest L2 norm of a unit's incoming weights, finite, &gt;= 0; 0 = no constraint
 */
public record NormConstraints(double clipNorm, double maxNorm) {
    /** Neither clipping nor a weight constraint. */
    public static final NormConstraints NONE = new NormConstraints(0, 0);

    public NormConstraints {
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip-norm must be a finite number >= 0 (0 = off), was " + clipNorm);
        }
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("max-norm must be a finite number >= 0 (0 = off), was " + maxNorm);
        }
    }

    /** True when gradients are clipped. */
    public boolean clips() {
        return clipNorm > 0;
    }

    /** True when unit weight vectors are projected onto a norm ball. */
    public boolean constrains() {
        return maxNorm > 0;
    }
}
