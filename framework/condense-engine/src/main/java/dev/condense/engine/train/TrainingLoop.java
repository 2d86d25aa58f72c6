package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.TrainingSession;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The epoch loop of {@code SameDiff.fit} (ND4J 1.0.0-M2.1), driving SameDiff's {@link TrainingSession} directly so
 * that gradient buffers are reused. {@code fit} never hands the weight gradients back to the session's array cache:
 * every iteration allocates them anew, and ND4J zero-fills each new native buffer; for LeNet-300-100 that fill was
 * 14-18% of training time (async-profiler, docs/benchmarks.md). Here every gradient the session applied is returned
 * to the session's {@link SessionMemMgr} once the iteration is over, so the next iteration takes it from the cache.
 *
 * <p>Everything else follows {@code fit}: the same updater state per variable, the same iteration and epoch
 * counters (Adam's bias correction and the learning-rate schedules read them), the same listener calls, so the
 * arithmetic, and so the trained weights, are the same bit for bit ({@code TrainingLoopTest}).
 */
final class TrainingLoop {
    /** The key under which SameDiff stores the gradient function ({@code SameDiff.GRAD_FN_KEY}, not public). */
    private static final String GRAD_FN = "grad";

    private TrainingLoop() {
    }

    /**
     * Trains {@code sd} (training config set, gradient function created) for {@code epochs} passes over
     * {@code batches}; one feature and one label placeholder, as mapped in the training config.
     */
    static void run(SameDiff sd, ShuffledBatches batches, int epochs, List<Listener> listeners) {
        run(sd, batches, epochs, listeners, BatchFeeds.NONE);
    }

    /** Placeholders computed from each batch's features (a distillation teacher's logits). */
    @FunctionalInterface
    interface BatchFeeds {
        BatchFeeds NONE = features -> Map.of();

        Map<String, INDArray> of(INDArray features);
    }

    /** As {@link #run(SameDiff, ShuffledBatches, int, List)}, with extra placeholders fed per batch. */
    static void run(SameDiff sd, ShuffledBatches batches, int epochs, List<Listener> listeners, BatchFeeds feeds) {
        TrainingConfig cfg = sd.getTrainingConfig();
        SameDiff grad = sd.getFunction(GRAD_FN);
        if (grad == null) {
            throw new IllegalStateException("the gradient function must be created before training");
        }
        grad.setTrainingConfig(cfg);
        TrainingSession session = new TrainingSession(grad);
        @SuppressWarnings("rawtypes") // TrainingSession.trainingIteration takes ND4J's raw Map<String, GradientUpdater>
        Map<String, GradientUpdater> updaters = updaters(sd, cfg);
        GradientRecycler recycler = new GradientRecycler();
        List<Listener> all = new ArrayList<>(listeners);
        all.add(recycler);
        String feature = cfg.getDataSetFeatureMapping().get(0);
        String label = cfg.getDataSetLabelMapping().get(0);
        At at = At.builder().epoch(cfg.getEpochCount()).iteration(cfg.getIterationCount()).trainingThreadNum(0)
                .javaThreadNum(Thread.currentThread().getId()).operation(Operation.TRAINING).build();
        if (!batches.hasNext()) {
            batches.reset();
        }
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
                placeholders.putAll(feeds.of(ds.getFeatures()));
                session.trainingIteration(cfg, placeholders, updaters.keySet(), updaters, batch, sd.getLossVariables(),
                        all, at);
                recycler.returnTo(session.getMmgr());
                cfg.incrementIterationCount();
            }
            long millis = System.currentTimeMillis() - start;
            listeners.forEach(l -> l.epochEnd(sd, at, null, millis));
            cfg.incrementEpochCount();
            if (e < epochs - 1) {
                batches.reset();
            }
        }
    }

    /** As {@code SameDiff.initializeTraining}: one updater with its own state view per floating-point variable. */
    @SuppressWarnings("rawtypes") // ND4J's IUpdater.instantiate returns, and TrainingSession takes, the raw type
    private static Map<String, GradientUpdater> updaters(SameDiff sd, TrainingConfig cfg) {
        Map<String, GradientUpdater> out = new LinkedHashMap<>();
        for (Variable v : sd.getVariables().values()) {
            if (v.getVariable().getVariableType() != VariableType.VARIABLE || !v.getVariable().dataType().isFPType()) {
                continue;
            }
            INDArray arr = v.getVariable().getArr();
            long size = cfg.getUpdater().stateSize(arr.length());
            INDArray view = size == 0 ? null : Nd4j.createUninitialized(arr.dataType(), 1, size);
            GradientUpdater u = cfg.getUpdater().instantiate(view, false);
            u.setStateViewArray(view, arr.shape(), arr.ordering(), true);
            out.put(v.getName(), u);
        }
        return out;
    }

    /** Collects each gradient as the session applies it, and hands them to the memory manager afterwards. */
    private static final class GradientRecycler extends BaseListener {
        private final List<INDArray> applied = new ArrayList<>();

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void preUpdate(SameDiff sd, At at, Variable v, INDArray update) {
            applied.add(update);
        }

        void returnTo(SessionMemMgr mmgr) {
            for (INDArray a : applied) {
                // the session itself releases a gradient that feeds no other op: never release an array twice
                boolean cached = mmgr instanceof ArrayCacheMemoryMgr c && c.getLruCache().contains(a.getId());
                if (!cached && !a.isView() && !a.wasClosed()) {
                    mmgr.release(a);
                }
            }
            applied.clear();
        }
    }
}
