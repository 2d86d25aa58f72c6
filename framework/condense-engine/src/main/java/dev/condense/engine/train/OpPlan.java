package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training step as a fixed list of native ops with preallocated inputs and outputs: the ops one step of SameDiff's
 * {@code InferenceSession} ran over the gradient function ({@link OpRecorder}), in the same order, each with its own
 * {@link OpContext} whose arguments are set once and whose output arrays are allocated once for the recorded shapes.
 * A step then only rebinds the placeholders (features, labels, hooks' feeds) and executes the ops: no dependency
 * tracking, shape calculation or allocation. The numerics are the session's (same ops, same arguments, same order).
 *
 * <p>Outputs share buffers where their lifetimes do not overlap (same data type, shape and ordering; an output lives
 * from its op to the last op that reads it), and each weight gradient is written directly into its view of
 * {@link FlatParameters}' gradient buffer. A {@code matmul_bp} whose input gradient nobody reads (the first dense
 * layer's, whose input is the features) runs as one {@code matmul} for the weight gradient only: for
 * {@code Z = op(A) op(B)}, {@code dB = op(A)^T dZ} ({@code transposeResult} when B is transposed).
 *
 * <p>Training batch normalization's three ops run on ONNX Runtime kernels ({@link OrtBatchNorm}, same mathematics,
 * different float rounding), and gradient sums with a zero term are not executed ({@link ZeroAdds}).
 *
 * <p>A plan holds for one set of placeholder shapes (a batch size). Ops with control flow, control dependencies,
 * views or TensorArrays, and outputs the recording did not describe, make the step {@link Unplannable}.
 */
final class OpPlan {
    /** Why a recorded step cannot run as a plan. */
    static final class Unplannable extends Exception {
        private static final long serialVersionUID = 1L;

        Unplannable(String message) {
            super(message);
        }
    }

    /**
     * One planned op: the graph's op (for listeners), the function executed, its context and outputs; {@code kernel},
     * if set, runs instead of the function ({@link OrtBatchNorm}).
     */
    record Exec(SameDiffOp op, DifferentialFunction fn, OpContext ctx, INDArray[] outputs, INDArray scalar,
                Runnable kernel) {
    }

    /** Input {@code index} of {@code ctx} is placeholder {@code name}, rebound every step. */
    private record Bind(OpContext ctx, int index, String name) {
    }

    private final List<Exec> execs;
    private final List<Bind> binds;
    private final List<INDArray[]> copies;
    private final int rewritten;
    private final OrtBatchNorm batchNorm;
    private final OrtConv convKernels;

    private OpPlan(List<Exec> execs, List<Bind> binds, List<INDArray[]> copies, int rewritten,
                   OrtBatchNorm batchNorm, OrtConv convKernels) {
        this.execs = execs;
        this.binds = binds;
        this.copies = copies;
        this.rewritten = rewritten;
        this.batchNorm = batchNorm;
        this.convKernels = convKernels;
    }

    /**
     * Plans the recorded step.
     *
     * @param grad         the gradient function the session ran
     * @param recorded     the session's ops in execution order with their outputs
     * @param gradViews    for each requested gradient variable (of {@code grad}) the array its value must end in
     * @param placeholders the step's placeholders (their shapes are the plan's)
     * @throws Unplannable naming the first op or variable that cannot be planned
     */
    static OpPlan build(SameDiff grad, List<OpRecorder.Executed> recorded, Map<String, INDArray> gradViews,
                        Map<String, INDArray> placeholders) throws Unplannable {
        OrtBatchNorm batchNorm = new OrtBatchNorm();
        OrtConv convKernels = new OrtConv();
        try {
            return build(grad, recorded, gradViews, placeholders, batchNorm, convKernels);
        } catch (Unplannable | RuntimeException e) {
            batchNorm.close();
            convKernels.close();
            throw e;
        }
    }

    private static OpPlan build(SameDiff grad, List<OpRecorder.Executed> recorded, Map<String, INDArray> gradViews,
                                Map<String, INDArray> placeholders, OrtBatchNorm batchNorm,
                                OrtConv convKernels) throws Unplannable {
        ZeroAdds zeroAdds = ZeroAdds.find(recorded);
        ConvWeightGradients convGrads = OrtConv.ON ? ConvWeightGradients.find(recorded)
                : ConvWeightGradients.none();
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < recorded.size(); i++) {
            if (!zeroAdds.dropped(i) && !convGrads.skipped(i)) {
                for (String in : convGrads.inputsAt(i, inputs(recorded.get(i).op()))) {
                    lastUse.put(zeroAdds.resolve(in), i);
                }
            }
        }
        gradViews.keySet().forEach(g -> lastUse.put(zeroAdds.resolve(g), Integer.MAX_VALUE));
        BufferPool pool = new BufferPool();
        Map<String, INDArray> values = new HashMap<>();
        Set<String> pooled = new HashSet<>();
        List<Exec> execs = new ArrayList<>();
        List<Bind> binds = new ArrayList<>();
        int rewritten = 0;
        for (int i = 0; i < recorded.size(); i++) {
            OpRecorder.Executed rec = recorded.get(i);
            SameDiffOp op = rec.op();
            PlanSupport.check(op);
            List<String> inNames = inputs(op);
            List<String> outNames = op.getOutputsOfOp();
            if (zeroAdds.dropped(i)) {
                for (String out : outNames) {
                    String from = zeroAdds.resolve(out);
                    if (!from.equals(out)) {
                        values.put(out, values.get(from));
                    }
                }
                continue;
            }
            if (convGrads.skipped(i)) {
                continue;
            }
            ConvWeightGradients.Chain chain = convGrads.kernelAt(i);
            if (chain != null) {
                INDArray x = input(grad, chain.x(), values, placeholders);
                INDArray dy = input(grad, chain.dy(), values, placeholders);
                INDArray dw = allocate(outNames.get(0), rec.outputs().get(0), gradViews, pool, pooled, values);
                SameDiffOp biasOp = chain.biasAt() < 0 ? null : recorded.get(chain.biasAt()).op();
                INDArray db = biasOp == null ? null : allocate(biasOp.getOutputsOfOp().get(0),
                        recorded.get(chain.biasAt()).outputs().get(0), gradViews, pool, pooled, values);
                Runnable kernel = convKernels.kernel(chain, x, dy, dw, db);
                if (kernel == null) {
                    throw new Unplannable("no weight-gradient kernel for the convolution of " + chain.x());
                }
                execs.add(kernelExec(op, new INDArray[] {x, dy}, new INDArray[] {dw}, kernel));
                if (biasOp != null) {
                    execs.add(kernelExec(biasOp, new INDArray[] {dy}, new INDArray[] {db}, () -> { }));
                }
                release(List.of(chain.x(), chain.dy()), List.of(), i, zeroAdds, lastUse, pooled, pool, values);
                continue;
            }
            if (rec.outputs().size() != outNames.size()) {
                throw new Unplannable("op " + op.getName() + " recorded " + rec.outputs().size() + " outputs, has "
                        + outNames.size());
            }
            INDArray[] ins = new INDArray[inNames.size()];
            for (int k = 0; k < ins.length; k++) {
                ins[k] = input(grad, inNames.get(k), values, placeholders);
            }
            boolean[] skip = new boolean[outNames.size()];
            DifferentialFunction fn = op.getOp();
            if (fn instanceof MmulBp m && !lastUse.containsKey(outNames.get(0)) && PlanSupport.isPlainMatmulBp(m, ins)) {
                skip[0] = true;
                rewritten++;
            }
            INDArray[] outs = new INDArray[outNames.size()];
            for (int k = 0; k < outs.length; k++) {
                OpRecorder.Output o = rec.outputs().get(k);
                if (o == null) {
                    throw new Unplannable("op " + op.getName() + " produced no array for " + outNames.get(k));
                }
                if (skip[k]) {
                    continue;
                }
                outs[k] = allocate(outNames.get(k), o, gradViews, pool, pooled, values);
            }
            Exec exec = skip[0] ? PlanSupport.weightGradientOnly(op, ins, outs)
                    : context(op, fn, ins, outs, fedEveryStep(grad, inNames) ? null : kernel(fn, ins, outs, batchNorm,
                    convKernels));
            execs.add(exec);
            bindPlaceholders(grad, inNames, exec, binds, skip[0]);
            release(inNames, outNames, i, zeroAdds, lastUse, pooled, pool, values);
        }
        List<INDArray[]> copies = new ArrayList<>();
        for (var e : gradViews.entrySet()) {
            INDArray value = values.get(e.getKey());
            if (value == null) {
                throw new Unplannable("no op of the step computes gradient " + e.getKey());
            }
            if (value != e.getValue()) {
                copies.add(new INDArray[] {value, e.getValue()});
            }
        }
        return new OpPlan(List.copyOf(execs), List.copyOf(binds), List.copyOf(copies), rewritten, batchNorm,
                convKernels);
    }

    /** The array of output {@code name} (recorded as {@code o}): its gradient view if it has one, else a pooled one. */
    private static INDArray allocate(String name, OpRecorder.Output o, Map<String, INDArray> gradViews, BufferPool pool,
                                     Set<String> pooled, Map<String, INDArray> values) {
        INDArray view = gradViews.get(name);
        INDArray out;
        if (view != null && view.dataType() == o.type() && java.util.Arrays.equals(view.shape(), o.shape())) {
            out = view;
        } else {
            out = pool.take(o);
            pooled.add(name);
        }
        values.put(name, out);
        return out;
    }

    /** Returns to the pool the inputs op {@code i} read last and the outputs nobody reads. */
    private static void release(List<String> inNames, List<String> outNames, int i, ZeroAdds zeroAdds,
                                Map<String, Integer> lastUse, Set<String> pooled, BufferPool pool,
                                Map<String, INDArray> values) {
        for (String in : new HashSet<>(inNames)) {
            String from = zeroAdds.resolve(in);
            if (lastUse.get(from) == i && pooled.remove(from)) {
                pool.give(values.get(from));
            }
        }
        for (String out : outNames) {
            if (!lastUse.containsKey(out) && pooled.remove(out)) {
                pool.give(values.get(out));
            }
        }
    }

    /** An op run by {@code kernel} on {@code ins} into {@code outs} (the context holds them for listeners). */
    private static Exec kernelExec(SameDiffOp op, INDArray[] ins, INDArray[] outs, Runnable kernel) {
        OpContext ctx = Nd4j.getExecutioner().buildContext();
        ctx.setInputArrays(ins);
        ctx.setOutputArrays(outs);
        return new Exec(op, op.getOp(), ctx, outs, null, kernel);
    }

    private static List<String> inputs(SameDiffOp op) {
        return op.getInputsToOp() == null ? List.of() : op.getInputsToOp();
    }

    private static INDArray input(SameDiff grad, String name, Map<String, INDArray> values,
                                  Map<String, INDArray> placeholders) throws Unplannable {
        INDArray v = values.get(name);
        if (v != null) {
            return v;
        }
        SDVariable var = grad.getVariable(name);
        VariableType type = var == null ? null : var.getVariableType();
        if (type == VariableType.PLACEHOLDER) {
            INDArray p = placeholders.get(name);
            if (p == null || p.dataType() != var.dataType()) {
                throw new Unplannable("placeholder " + name + " is not fed with its data type");
            }
            return p;
        }
        if (type == VariableType.VARIABLE || type == VariableType.CONSTANT) {
            INDArray a = grad.getArrForVarName(name);
            if (a != null) {
                return a;
            }
        }
        throw new Unplannable("variable " + name + " (" + type + ") has no value before its first reader");
    }

    /** The context of a custom or legacy op with its inputs, arguments and outputs set once. */
    private static Exec context(SameDiffOp op, DifferentialFunction fn, INDArray[] ins, INDArray[] outs,
                                Runnable kernel) throws Unplannable {
        OpContext ctx = Nd4j.getExecutioner().buildContext();
        INDArray scalar = null;
        if (fn instanceof DynamicCustomOp c) {
            ctx.setArgs(ins, c.iArgs(), c.dArgs(), c.tArgs(), c.bArgs());
        } else if (fn instanceof Op) {
            if (ins.length == 0 || ins.length > 2 || outs.length != 1) {
                throw new Unplannable("legacy op " + op.getName() + " (" + fn.opName() + ") with " + ins.length
                        + " inputs and " + outs.length + " outputs");
            }
            if (ins.length == 2 && fn instanceof ReduceOp) {
                throw new Unplannable("reduction " + op.getName() + " (" + fn.opName() + ") with dimensions as input");
            }
            ctx.setInputArrays(ins);
            scalar = ins.length == 2 && fn instanceof ScalarOp ? ins[1] : null;
        } else {
            throw new Unplannable("op " + op.getName() + " (" + fn.getClass().getSimpleName() + ") is not executable");
        }
        ctx.setOutputArrays(outs);
        return new Exec(op, fn, ctx, outs, scalar, kernel);
    }

    /** An ONNX Runtime kernel for {@code fn} (batch normalization, a one-channel convolution), or null. */
    private static Runnable kernel(DifferentialFunction fn, INDArray[] ins, INDArray[] outs, OrtBatchNorm batchNorm,
                                   OrtConv convKernels) {
        Runnable k = batchNorm.kernel(fn, ins, outs);
        return k != null ? k : convKernels.forward(fn, ins, outs);
    }

    /** Whether an input is a placeholder (rebound every step, so no kernel may hold its array). */
    private static boolean fedEveryStep(SameDiff grad, List<String> inNames) {
        for (String name : inNames) {
            SDVariable var = grad.getVariable(name);
            if (var != null && var.getVariableType() == VariableType.PLACEHOLDER) {
                return true;
            }
        }
        return false;
    }

    private static void bindPlaceholders(SameDiff grad, List<String> inNames, Exec exec, List<Bind> binds,
                                         boolean rewrittenMmul) {
        for (int k = 0; k < inNames.size(); k++) {
            SDVariable var = grad.getVariable(inNames.get(k));
            if (var != null && var.getVariableType() == VariableType.PLACEHOLDER) {
                int index = rewrittenMmul ? PlanSupport.rewrittenIndex(k) : k;
                if (index >= 0) {
                    binds.add(new Bind(exec.ctx(), index, inNames.get(k)));
                }
            }
        }
    }

    /** Ops executed per step. */
    int size() {
        return execs.size();
    }

    /** {@code matmul_bp} ops that run as one {@code matmul} (their input gradient is not read). */
    int rewritten() {
        return rewritten;
    }

    /** Gives every random op of the plan (Dropout's uniform draw) fresh generator states: call before each step. */
    void reseedRandomOps(RandomOpSeeds seeds) {
        for (Exec e : execs) {
            if (e.kernel() == null && RandomOpSeeds.isRandom(e.fn())) {
                seeds.reseed(e.ctx());
            }
        }
    }

    /**
     * Runs the step: binds {@code placeholders} (same shapes as at planning), executes every op in order, calls each
     * listener's {@code opExecution} after each op as the session does, and leaves every weight gradient in its
     * view.
     */
    void run(SameDiff grad, Map<String, INDArray> placeholders, List<Listener> listeners, At at, MultiDataSet batch) {
        for (Bind b : binds) {
            b.ctx().setInputArray(b.index(), placeholders.get(b.name()));
        }
        for (Exec e : execs) {
            long start = PlanProfile.ON ? PlanProfile.now() : 0;
            if (e.kernel() != null) {
                e.kernel().run();
            } else if (e.fn() instanceof CustomOp c) {
                Nd4j.exec(c, e.ctx());
            } else {
                if (e.scalar() != null) {
                    ((ScalarOp) e.fn()).setScalar(e.ctx().getInputArray(1));
                }
                Nd4j.exec((Op) e.fn(), e.ctx());
            }
            if (PlanProfile.ON) {
                String name = e.kernel() == null ? e.fn().opName() : e.fn().opName() + " (onnxruntime)";
                if (PlanProfile.SHAPES && e.ctx().numInputArguments() > 0) {
                    name += " " + java.util.Arrays.toString(e.ctx().getInputArray(0).shape());
                }
                PlanProfile.add(name, PlanProfile.now() - start);
            }
            for (Listener l : listeners) {
                l.opExecution(grad, at, batch, e.op(), e.ctx(), e.outputs());
            }
        }
        for (INDArray[] c : copies) {
            c[1].assign(c[0]);
        }
    }

    /** Ops that run on a kernel of their own instead of libnd4j ({@link OrtBatchNorm}). */
    int kernels() {
        return (int) execs.stream().filter(e -> e.kernel() != null).count();
    }

    /** Releases the ONNX Runtime sessions of the plan's kernels. */
    void close() {
        batchNorm.close();
        convKernels.close();
    }
}
