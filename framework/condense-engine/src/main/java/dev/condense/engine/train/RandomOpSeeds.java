package dev.condense.engine.train;

import java.util.SplittableRandom;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.RandomOp;

/**
 * Fresh random-generator states for the random ops of a training step (Dropout's uniform draw,
 * {@link NormLowering#dropout}), so each step draws new numbers. libnd4j's random ops read the generator of the
 * {@link OpContext} they run in; SameDiff's {@code InferenceSession} keeps one context per op and an {@link OpPlan} one
 * per planned op, and neither touches that generator between steps, so without this every step drew the same
 * numbers: dropout applied one fixed mask per row position of the batch for the whole run instead of a new one per
 * step (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks from overfitting", JMLR 15).
 *
 * <p>As a listener it sets the states before each random op the session runs ({@code preOpExecution}); a plan calls
 * {@link #reseed} for its random ops before each step. The states come from one {@link SplittableRandom} seeded per
 * run, so a run stays reproducible.
 */
final class RandomOpSeeds extends BaseListener {
    private final SplittableRandom random;

    /** @param seed seeds the sequence of states (one run's) */
    RandomOpSeeds(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** True for the ops that draw random numbers from their context's generator. */
    static boolean isRandom(DifferentialFunction fn) {
        return fn instanceof RandomOp || fn.opName().startsWith("random");
    }

    /** Gives {@code ctx}'s generator a new (root, node) state pair. */
    void reseed(OpContext ctx) {
        ctx.setRngStates(random.nextLong(), random.nextLong());
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        if (opContext != null && isRandom(op.getOp())) {
            reseed(opContext);
        }
    }
}
