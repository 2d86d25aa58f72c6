package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link OpPlan}s of one training run, one per set of placeholder shapes (the full batch and the last, shorter
 * one): the first step of each shape runs in SameDiff's session while an {@link OpRecorder} watches, and is planned
 * from that recording; later steps of that shape run the plan. If a recording cannot be planned, or a planned step
 * fails in a native op, the reason is logged once and every further step of the run runs in the session.
 */
final class StepPlans {
    private static final Logger LOG = LoggerFactory.getLogger(StepPlans.class);
    /** Shapes planned per run at most; further shapes run in the session. */
    private static final int MAX_PLANS = 4;

    private final SameDiff grad;
    private final Map<String, INDArray> gradViews;
    private final Map<String, OpPlan> plans = new HashMap<>();
    private boolean enabled;

    /**
     * @param gradViews per gradient variable of {@code grad}, the view its value must end in
     * @param enabled   false to run every step in the session
     */
    StepPlans(SameDiff grad, Map<String, INDArray> gradViews, boolean enabled) {
        this.grad = grad;
        this.gradViews = new LinkedHashMap<>(gradViews);
        this.enabled = enabled;
    }

    /** The plan for these placeholders' shapes, or null (the step runs in the session). */
    OpPlan plan(Map<String, INDArray> placeholders) {
        return enabled ? plans.get(key(placeholders)) : null;
    }

    /** A recorder for a session step with these placeholders, or null if none should be planned. */
    OpRecorder recorder(Map<String, INDArray> placeholders) {
        return enabled && plans.size() < MAX_PLANS && !plans.containsKey(key(placeholders)) ? new OpRecorder() : null;
    }

    /** Plans the recorded session step; on failure logs why and runs the rest of the run in the session. */
    void recorded(OpRecorder recorder, Map<String, INDArray> placeholders) {
        try {
            OpPlan plan = OpPlan.build(grad, recorder.executed(), gradViews, placeholders);
            plans.put(key(placeholders), plan);
            LOG.debug("training step planned for {}: {} ops, {} matmul_bp as matmul, {} on own kernels",
                    key(placeholders), plan.size(), plan.rewritten(), plan.kernels());
        } catch (OpPlan.Unplannable | RuntimeException e) {
            disable(e);
        }
    }

    /**
     * Runs {@code plan}'s step; if a native op fails, logs why, stops planning and returns false, so the caller runs
     * the step in the session (no weight has changed yet: the plan only writes gradients and its own outputs).
     */
    boolean run(OpPlan plan, Map<String, INDArray> placeholders, List<Listener> listeners, At at,
                MultiDataSet batch) {
        try {
            plan.run(grad, placeholders, listeners, at, batch);
            return true;
        } catch (TrainingDivergedException e) {
            throw e;
        } catch (RuntimeException e) {
            disable(e);
            return false;
        }
    }

    private void disable(Exception e) {
        enabled = false;
        close();
        LOG.warn("training runs in SameDiff's session: {}", e.getMessage());
    }

    /** Releases the plans' native resources; later steps run in the session. */
    void close() {
        plans.values().forEach(OpPlan::close);
        plans.clear();
    }

    private static String key(Map<String, INDArray> placeholders) {
        Map<String, String> shapes = new TreeMap<>();
        placeholders.forEach((k, v) -> shapes.put(k, v.dataType() + Arrays.toString(v.shape())));
        return shapes.toString();
    }

    /** Names of the planned shapes (for tests). */
    List<String> planned() {
        return new ArrayList<>(plans.keySet());
    }
}
