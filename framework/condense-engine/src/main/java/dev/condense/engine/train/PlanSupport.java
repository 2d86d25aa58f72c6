package dev.condense.engine.train;

import java.util.List;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.custom.Invoke;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.BaseCompatOp;
import org.nd4j.linalg.api.ops.impl.layers.ExternalErrorsFunction;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.ops.impl.shape.CreateView;
import org.nd4j.linalg.api.ops.impl.shape.tensorops.BaseTensorOp;
import org.nd4j.linalg.api.ops.impl.transforms.Assert;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Assign;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.GradientBackwardsMarker;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link OpPlan} can run and how it rewrites {@code matmul_bp}. SameDiff's session gives the op classes below
 * behaviour beyond executing the op (control flow frames, TensorArrays, views, broadcasting assignment, assertions,
 * external gradients), so a step that contains one is not planned. An {@code identity}, which the session aliases to
 * its input, is planned as a copy into its own output.
 */
final class PlanSupport {
    private static final List<Class<?>> SESSION_ONLY = List.of(BaseCompatOp.class, BaseTensorOp.class, Invoke.class,
            ExternalErrorsFunction.class, GradientBackwardsMarker.class, CreateView.class, Assert.class, Assign.class);

    private PlanSupport() {
    }

    /** @throws OpPlan.Unplannable if the session treats {@code op} specially or it has control dependencies */
    static void check(SameDiffOp op) throws OpPlan.Unplannable {
        DifferentialFunction fn = op.getOp();
        for (Class<?> c : SESSION_ONLY) {
            if (c.isInstance(fn)) {
                throw new OpPlan.Unplannable("op " + op.getName() + " (" + fn.getClass().getSimpleName()
                        + ") needs SameDiff's session");
            }
        }
        if (notEmpty(op.getControlDeps()) || notEmpty(op.getVarControlDeps())) {
            throw new OpPlan.Unplannable("op " + op.getName() + " has control dependencies");
        }
    }

    private static boolean notEmpty(List<String> l) {
        return l != null && !l.isEmpty();
    }

    /**
     * Whether {@code op} is {@code matmul_bp} of a rank-2 {@code Z = op(A) op(B)} with inputs {@code (A, B, dZ)},
     * transpose flags {@code [tA, tB, 0]} (or none) and no alpha/beta scaling.
     */
    static boolean isPlainMatmulBp(MmulBp op, INDArray[] ins) {
        long[] i = op.iArgs();
        boolean flags = i.length == 0 || i.length == 3 && i[2] == 0 && (i[0] == 0 || i[0] == 1) && (i[1] == 0 || i[1] == 1);
        return flags && op.tArgs().length == 0 && ins.length == 3 && ins[0].rank() == 2 && ins[1].rank() == 2
                && ins[2].rank() == 2;
    }

    /**
     * {@code dB} of {@code Z = op(A) op(B)} alone, as libnd4j {@code matmul} of {@code (A, dZ)}: {@code op(A)^T dZ}
     * when B is not transposed, its transpose when it is; {@code outs[1]} receives it, {@code outs[0]} stays null.
     */
    static OpPlan.Exec weightGradientOnly(SameDiffOp op, INDArray[] ins, INDArray[] outs) {
        long[] i = ((MmulBp) op.getOp()).iArgs();
        long tA = i.length == 0 ? 0 : i[0];
        long tB = i.length == 0 ? 0 : i[1];
        DynamicCustomOp matmul = DynamicCustomOp.builder("matmul").build();
        OpContext ctx = Nd4j.getExecutioner().buildContext();
        ctx.setInputArrays(ins[0], ins[2]);
        ctx.setIArguments(1 - tA, 0, tB);
        ctx.setOutputArrays(outs[1]);
        return new OpPlan.Exec(op, matmul, ctx, outs, null, null);
    }

    /** The index in the rewritten {@code matmul}'s inputs of {@code matmul_bp}'s input {@code k}, or -1. */
    static int rewrittenIndex(int k) {
        return k == 0 ? 0 : k == 2 ? 1 : -1;
    }
}
