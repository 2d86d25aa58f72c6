package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The epoch loop of {@code SameDiff.fit} (ND4J 1.0.0-M2.1), driving SameDiff's {@link InferenceSession} directly:
 * each iteration computes every weight's gradient (one session {@code output} call over the gradient function),
 * copies them into one flat gradient buffer ({@link FlatParameters}) and takes one optimizer step over all weights,
 * which are views of one flat weight buffer. {@code fit}'s {@code TrainingSession} instead runs the updater and a
 * subtraction per weight as each gradient appears (6 native updater ops and 6 subtractions per LeNet-300-100 step,
 * a quarter of its time, docs/benchmarks.md) and computes every regularizer's score per weight whenever listeners
 * are attached.
 *
 * <p>The returned gradients go back to the session's {@link SessionMemMgr} after the copy, so the next iteration
 * reuses their buffers ({@code fit} never does, and ND4J zero-fills each new buffer). The iteration and epoch
 * counters and the listener calls (op execution, {@code iterationDone} after the update, epoch start and end) follow
 * {@code fit}; the updater state is per element as in {@code fit}, so the trained weights equal {@code fit}'s up to
 * float rounding (bit for bit on the planted MLP and BN fixtures of {@code TrainingLoopTest}).
 *
 * <p>After the first step of each batch shape, whose session run is recorded, the steps of that shape run as an
 * {@link OpPlan} (the same ops with preallocated outputs, no session; {@link StepPlans}), which computes the same
 * gradients bit for bit ({@code OpPlanTest}); a step that cannot be planned keeps the session, with a logged reason.
 */
final class TrainingLoop {
    /** The key under which SameDiff stores the gradient function ({@code SameDiff.GRAD_FN_KEY}, not public). */
    private static final String GRAD_FN = "grad";

    private TrainingLoop() {
    }

    /**
     * Trains {@code sd} (training config set, gradient function created) for {@code epochs} passes over
     * {@code batches}; one feature and one label placeholder, as mapped in the training config. The trainable
     * variables' arrays are replaced by views of one flat buffer (same values) before the first step.
     */
    static void run(SameDiff sd, ShuffledBatches batches, int epochs, List<Listener> listeners) {
        run(sd, batches, epochs, listeners, BatchFeeds.NONE);
    }

    /** Placeholders computed from each batch (a distillation teacher's logits). */
    @FunctionalInterface
    interface BatchFeeds {
        BatchFeeds NONE = (features, rows) -> Map.of();

        /**
         * @param features the batch's features {@code [B, ...]} as the student sees them
         * @param rows     the batch's row ids (indices into the training split), {@code B} of them
         */
        Map<String, INDArray> of(INDArray features, int[] rows);
    }

    /** As {@link #run(SameDiff, ShuffledBatches, int, List)}, with extra placeholders fed per batch. */
    static void run(SameDiff sd, ShuffledBatches batches, int epochs, List<Listener> listeners, BatchFeeds feeds) {
        run(sd, batches, epochs, listeners, feeds, true);
    }

    /**
     * As {@link #run(SameDiff, ShuffledBatches, int, List, BatchFeeds)}; {@code planned} false runs every step in
     * SameDiff's session instead of an {@link OpPlan} (for comparison).
     *
     * @return the number of steps that ran from a plan
     */
    static int run(SameDiff sd, ShuffledBatches batches, int epochs, List<Listener> listeners, BatchFeeds feeds,
                    boolean planned) {
        return run(sd, batches, epochs, listeners, feeds, planned, null);
    }

    /**
     * As {@link #run(SameDiff, ShuffledBatches, int, List, BatchFeeds, boolean)}; {@code clipping}, when not null,
     * clips every step's gradients by their global L2 norm before the optimizer step ({@link GradientClipping}).
     */
    static int run(SameDiff sd, ShuffledBatches batches, int epochs, List<Listener> listeners, BatchFeeds feeds,
                    boolean planned, GradientClipping clipping) {
        TrainingConfig cfg = sd.getTrainingConfig();
        SameDiff grad = sd.getFunction(GRAD_FN);
        if (grad == null) {
            throw new IllegalStateException("the gradient function must be created before training");
        }
        grad.setTrainingConfig(cfg);
        FlatParameters flat = FlatParameters.of(sd, grad, cfg);
        Map<String, String> gradToVar = new LinkedHashMap<>();
        for (String name : flat.names()) {
            gradToVar.put(grad.getVariable(name).getGradient().name(), name);
        }
        List<String> gradNames = new ArrayList<>(gradToVar.keySet());
        Map<String, INDArray> gradViews = new LinkedHashMap<>();
        gradToVar.forEach((g, v) -> gradViews.put(g, flat.gradientView(v)));
        StepPlans plans = new StepPlans(grad, gradViews, planned);
        InferenceSession session = new InferenceSession(grad);
        List<Listener> active = listeners.stream().filter(l -> l.isActive(Operation.TRAINING)).toList();
        RandomOpSeeds seeds = new RandomOpSeeds(Nd4j.getRandom().nextLong());
        String feature = cfg.getDataSetFeatureMapping().get(0);
        String label = cfg.getDataSetLabelMapping().get(0);
        Loss noLoss = new Loss(sd.getLossVariables(), new double[sd.getLossVariables().size()]);
        At at = At.builder().epoch(cfg.getEpochCount()).iteration(cfg.getIterationCount()).trainingThreadNum(0)
                .javaThreadNum(Thread.currentThread().getId()).operation(Operation.TRAINING).build();
        if (!batches.hasNext()) {
            batches.reset();
        }
        batches.reuseArrays();
        int plannedSteps = 0;
        try {
            for (int e = 0; e < epochs; e++) {
                at.setEpoch(cfg.getEpochCount());
                long start = System.currentTimeMillis();
                listeners.forEach(l -> l.epochStart(sd, at));
                while (batches.hasNext()) {
                    DataSet ds = batches.next();
                    MultiDataSet batch = new MultiDataSet(ds.getFeatures(), ds.getLabels());
                    at.setIteration(cfg.getIterationCount());
                    Map<String, INDArray> placeholders = new HashMap<>();
                    placeholders.put(feature, ds.getFeatures());
                    placeholders.put(label, ds.getLabels());
                    placeholders.putAll(feeds.of(ds.getFeatures(), batches.lastRows()));
                    OpPlan plan = plans.plan(placeholders);
                    if (plan != null) {
                        plan.reseedRandomOps(seeds);
                    }
                    if (plan != null && plans.run(plan, placeholders, active, at, batch)) {
                        plannedSteps++;
                    } else {
                        OpRecorder recorder = plans.recorder(placeholders);
                        List<Listener> watching = new ArrayList<>(active);
                        watching.add(seeds);
                        if (recorder != null) {
                            watching.add(recorder);
                        }
                        Map<String, INDArray> grads = session.output(gradNames, placeholders, batch, gradNames,
                                watching, at);
                        for (var g : grads.entrySet()) {
                            flat.gradient(gradToVar.get(g.getKey()), g.getValue());
                        }
                        release(session.getMmgr(), grads.values());
                        if (recorder != null) {
                            plans.recorded(recorder, placeholders);
                        }
                    }
                    if (clipping != null) {
                        clipping.clip(flat.gradientBuffers());
                    }
                    flat.step(cfg, at.iteration(), at.epoch());
                    for (Listener l : active) {
                        l.iterationDone(sd, at, batch, noLoss);
                    }
                    cfg.incrementIterationCount();
                }
                long millis = System.currentTimeMillis() - start;
                listeners.forEach(l -> l.epochEnd(sd, at, null, millis));
                cfg.incrementEpochCount();
                if (e < epochs - 1) {
                    batches.reset();
                }
            }
        } finally {
            plans.close();
            flat.close();
        }
        return plannedSteps;
    }

    /** Hands the step's gradient arrays back to the session's memory manager, each once, never a view. */
    private static void release(SessionMemMgr mmgr, Collection<INDArray> grads) {
        Set<Long> seen = new HashSet<>();
        for (INDArray a : grads) {
            boolean cached = mmgr instanceof ArrayCacheMemoryMgr c && c.getLruCache().contains(a.getId());
            if (!cached && !a.isView() && !a.wasClosed() && seen.add(a.getId())) {
                mmgr.release(a);
            }
        }
    }
}
