package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.ArrayHolder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainable weights of a SameDiff graph as views of one flat buffer per data type, with a flat gradient buffer of
 * the same layout and one updater over it: one optimizer step is one native updater op (e.g. libnd4j's
 * {@code adam_updater}, in place) and one subtraction for all weights, instead of one of each per weight.
 *
 * <p>Layout: the {@link #trainable} variables of the graph in its variable order (by name), each flattened in
 * 'c' order, back to back; buffers are {@code [1, n]} with {@code n} the total element count of that data type. After
 * {@link #of} every such variable's array (in the graph and in its gradient function) is a {@code 'c'}-ordered view
 * of the weight buffer with the variable's shape, so hooks that change a weight in place ({@link MaskProjection},
 * {@link WeightProjection}) change the buffer. The updater state (Adam's m and v, momentum's v) is one element per
 * weight element, as with one updater per weight; every updater and regularization ND4J offers here (Adam, SGD,
 * Nesterov momentum, L2, weight decay) is elementwise, so the flat step computes per element what the per-weight
 * steps computed. Adam over float32 runs as {@link OrtAdam} (the same arithmetic, bit for bit, on ONNX Runtime's
 * vectorized kernels) unless ONNX Runtime cannot run it. Unlike SameDiff's {@code TrainingSession}, which updates a weight as soon as its gradient is
 * produced, the step runs after the last gradient, so every gradient of a step is taken at the same weights.
 */
final class FlatParameters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlatParameters.class);
    private final List<Group> groups = new ArrayList<>();
    private final Map<String, INDArray> gradViews = new LinkedHashMap<>();

    /** One data type's weights, gradients and updater ({@code adam} set: Adam on ONNX Runtime instead). */
    private record Group(INDArray params, INDArray grads, GradientUpdater<?> updater, OrtAdam adam) {
    }

    private FlatParameters() {
    }

    /**
     * The trainable variables of {@code sd}: floating-point {@link VariableType#VARIABLE}s that have a gradient in
     * {@code grad}, in the graph's variable order (by name). A variable the loss does not reach has no gradient and
     * is not trained, as in SameDiff's own training session.
     */
    static List<String> trainable(SameDiff sd, SameDiff grad) {
        List<String> out = new ArrayList<>();
        for (Variable v : sd.getVariables().values()) {
            SDVariable var = v.getVariable();
            if (var.getVariableType() == VariableType.VARIABLE && var.dataType().isFPType()
                    && grad.hasVariable(var.name()) && grad.getVariable(var.name()).getGradient() != null) {
                out.add(var.name());
            }
        }
        return out;
    }

    /**
     * Moves the {@link #trainable} variables of {@code sd} into flat buffers (values kept) and sets up the updater of
     * {@code cfg} over them.
     *
     * @param grad the gradient function of {@code sd}; its copies of the variables are pointed at the same views
     */
    static FlatParameters of(SameDiff sd, SameDiff grad, TrainingConfig cfg) {
        Map<DataType, List<SDVariable>> byType = new LinkedHashMap<>();
        for (String name : trainable(sd, grad)) {
            SDVariable var = sd.getVariable(name);
            byType.computeIfAbsent(var.dataType(), t -> new ArrayList<>()).add(var);
        }
        FlatParameters flat = new FlatParameters();
        holdViews(sd);
        holdViews(grad);
        for (var e : byType.entrySet()) {
            long n = e.getValue().stream().mapToLong(v -> v.getArr().length()).sum();
            INDArray params = Nd4j.createUninitialized(e.getKey(), 1, n);
            INDArray grads = Nd4j.zeros(e.getKey(), 1, n);
            long offset = 0;
            for (SDVariable var : e.getValue()) {
                INDArray old = var.getArr();
                long len = old.length();
                INDArray view = slice(params, offset, len, old.shape());
                view.assign(old);
                sd.associateArrayWithVariable(view, var);
                if (sd.getArrForVarName(var.name()) != view) {
                    throw new IllegalStateException("SameDiff copied the flat view of " + var.name());
                }
                if (grad != sd && grad.hasVariable(var.name())) {
                    grad.associateArrayWithVariable(view, grad.getVariable(var.name()));
                }
                flat.gradViews.put(var.name(), slice(grads, offset, len, old.shape()));
                offset += len;
            }
            OrtAdam adam = vectorAdam(cfg, grads);
            if (adam != null) {
                flat.groups.add(new Group(params, grads, null, adam));
                continue;
            }
            long size = cfg.getUpdater().stateSize(n);
            INDArray state = size == 0 ? null : Nd4j.createUninitialized(e.getKey(), 1, size);
            GradientUpdater<?> u = cfg.getUpdater().instantiate(state, false);
            u.setStateViewArray(state, params.shape(), 'c', true);
            flat.groups.add(new Group(params, grads, u, null));
        }
        return flat;
    }

    /** Adam over a float32 group on ONNX Runtime ({@link OrtAdam}), or null (libnd4j's updater), reason logged. */
    private static OrtAdam vectorAdam(TrainingConfig cfg, INDArray grads) {
        if (!(cfg.getUpdater() instanceof Adam adam) || grads.dataType() != DataType.FLOAT) {
            return null;
        }
        try {
            return OrtAdam.over(adam, grads);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Adam runs in libnd4j's adam_updater: {}", e.getMessage());
            return null;
        }
    }

    /**
     * SameDiff's default variable store ({@code ThreadSafeArrayHolder}) stores a copy of any view it is given; the
     * training graph is used by one thread, so its variables move to a store that keeps the arrays it is given.
     */
    private static void holdViews(SameDiff sd) {
        if (!(sd.getVariablesArrays() instanceof SingleThreadArrayHolder)) {
            ArrayHolder keeping = new SingleThreadArrayHolder();
            keeping.initFrom(sd.getVariablesArrays());
            sd.setVariablesArrays(keeping);
        }
    }

    /** A {@code 'c'}-ordered view of {@code len} elements of {@code flat [1, n]} from {@code offset}, as {@code shape}. */
    private static INDArray slice(INDArray flat, long offset, long len, long[] shape) {
        INDArray row = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + len));
        INDArray view = row.reshape('c', shape);
        if (!view.isView() && len > 0 && flat.length() != len) {
            throw new IllegalStateException("reshape of a flat slice copied instead of viewing");
        }
        return view;
    }

    /** Names of the trainable variables, in buffer order. */
    List<String> names() {
        return List.copyOf(gradViews.keySet());
    }

    /** The flat gradient buffers, one per data type ({@code [1, n]}): together, the step's whole gradient. */
    List<INDArray> gradientBuffers() {
        return groups.stream().map(Group::grads).toList();
    }

    /** The view of the flat gradient buffer that holds variable {@code name}'s gradient (shaped as the variable). */
    INDArray gradientView(String name) {
        INDArray view = gradViews.get(name);
        if (view == null) {
            throw new IllegalArgumentException("not a trainable variable: " + name);
        }
        return view;
    }

    /** Copies the step's gradient of variable {@code name} (shaped as the variable) into the flat gradient buffer. */
    void gradient(String name, INDArray grad) {
        INDArray view = gradViews.get(name);
        if (view == null) {
            throw new IllegalArgumentException("not a trainable variable: " + name);
        }
        view.assign(grad);
    }

    /**
     * One optimizer step over all weights, from the gradients copied in since the last step: regularization before
     * the updater (L2), the updater in place on the gradient buffer, regularization after it (weight decay), then
     * {@code weights -= update} ({@code +=} when the config maximizes).
     */
    void step(TrainingConfig cfg, int iteration, int epoch) {
        List<Regularization> regs = cfg.getRegularization() == null ? List.of() : cfg.getRegularization();
        double lr = cfg.getUpdater().hasLearningRate() ? cfg.getUpdater().getLearningRate(iteration, epoch) : 1.0;
        long start = PlanProfile.ON ? PlanProfile.now() : 0;
        for (Group g : groups) {
            regularize(regs, Regularization.ApplyStep.BEFORE_UPDATER, g, lr, iteration, epoch);
            if (g.adam() != null) {
                g.adam().apply(iteration, epoch);
            } else {
                g.updater().applyUpdater(g.grads(), iteration, epoch);
            }
            regularize(regs, Regularization.ApplyStep.POST_UPDATER, g, lr, iteration, epoch);
            if (cfg.isMinimize()) {
                g.params().subi(g.grads());
            } else {
                g.params().addi(g.grads());
            }
        }
        if (PlanProfile.ON) {
            PlanProfile.add("(optimizer step)", PlanProfile.now() - start);
        }
    }

    /** Releases the native resources of the updaters (ONNX Runtime's Adam session). */
    @Override
    public void close() {
        groups.stream().filter(g -> g.adam() != null).forEach(g -> g.adam().close());
    }

    private static void regularize(List<Regularization> regs, Regularization.ApplyStep when, Group g, double lr,
                                   int iteration, int epoch) {
        for (Regularization r : regs) {
            if (r.applyStep() == when) {
                r.apply(g.params(), g.grads(), lr, iteration, epoch);
            }
        }
    }
}
