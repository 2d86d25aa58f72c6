package dev.condense.engine.train;

import dev.condense.api.loss.RationaleKeys;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Feeds a loss that reads rationales ({@code LossFunction#rationales()}, distilling step-by-step) the keys of
 * {@link RationaleKeys}: the student's token states and attention mask (its own variables, named by the caller),
 * each batch's rationale word-piece ids {@code [B, T]} (a placeholder filled from the training split's rationales by
 * the batch's row ids) and the word-piece counts over all training rationales {@code [V]} (a constant).
 */
public final class RationaleFeed implements TrainingHook {
    private final INDArray rationales;
    private final String states;
    private final String mask;

    /**
     * @param rationales the training split's rationales {@code [N, T]}, float word-piece ids, 0 = padding
     * @param states     the student's token-state tensor {@code [N, L, D]}
     * @param mask       the student's float attention-mask tensor {@code [N, L]}
     */
    public RationaleFeed(INDArray rationales, String states, String mask) {
        this.rationales = Objects.requireNonNull(rationales, "rationales");
        this.states = Objects.requireNonNull(states, "states");
        this.mask = Objects.requireNonNull(mask, "mask");
        if (rationales.rank() != 2) {
            throw new IllegalArgumentException("rationales must be [N, T], were " + java.util.Arrays.toString(rationales.shape()));
        }
    }

    @Override
    public void build(GraphBuild build) {
        build.feature(RationaleKeys.STATES, build.tensor(states));
        build.feature(RationaleKeys.MASK, build.tensor(mask));
        SDVariable ids = build.sd().placeHolder(RationaleKeys.IDS, DataType.FLOAT, -1, rationales.size(1));
        build.feature(RationaleKeys.IDS, ids);
        long[] shape = dev.condense.engine.graph.ShapeInference.infer(build.graph()).get(states);
        if (shape == null || shape.length != 3 || shape[2] < 1) {
            throw new IllegalArgumentException("rationale losses read token states [N, L, D]; tensor '" + states
                    + "' has shape " + java.util.Arrays.toString(shape));
        }
        build.feature(RationaleKeys.WIDTH, build.sd().constant(RationaleKeys.WIDTH, Nd4j.createFromArray(new float[] {shape[2]})));
        build.feature(RationaleKeys.COUNTS, build.sd().constant(RationaleKeys.COUNTS, counts(rationales)));
    }

    @Override
    public void beforeStep(StepState step) {
        step.feed(RationaleKeys.IDS, Nd4j.pullRows(rationales, 1, step.rows()));
    }

    /** How often each id in {@code [1, V)} occurs in {@code ids}; float {@code [V]}, V = the largest id + 1, entry 0 = 0. */
    static INDArray counts(INDArray ids) {
        int v = Math.max(1, ids.maxNumber().intValue() + 1);
        float[] c = new float[v];
        for (float id : ids.dup().data().asFloat()) {
            if (id > 0) {
                c[(int) id]++;
            }
        }
        return Nd4j.createFromArray(c);
    }
}
