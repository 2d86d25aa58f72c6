package dev.condense.engine.train;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.graph.AnnotatedWeights;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerResponse;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.listeners.records.LossCurve;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.loss.SoftmaxCrossEntropyLoss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Trains a {@link ModelGraph} classifier with SameDiff: softmax cross-entropy on the graph's logits, Adam or SGD
 * (Nesterov momentum, L2 weight decay), an optional per-epoch learning-rate schedule, seeded shuffled mini-batches.
 * The graph is lowered in training mode: BatchNormalization normalizes with batch statistics and its running
 * statistics are updated by {@link BatchNormTracker}; Dropout drops. The trained graph is for inference mode.
 *
 * <p>Masks: after every update each masked parameter is multiplied by its mask, so pruned weights stay exactly
 * zero through fine-tuning (the mask hook). The input graph is not modified; the result carries new arrays.
 */
public final class Trainer {
    private static final String LABEL = ClassifierLoss.LABEL;

    private Trainer() {
    }

    /**
     * @param graph      graph with one input (features as in {@code split}) and one output (logits {@code [N, C]})
     * @param split      training rows
     * @param numClasses number of classes
     * @param spec       epochs, batch, optimizer, row limit
     * @param seed       shuffling seed
     * @param progress   progress callbacks
     */
    public static TrainResult fit(ModelGraph graph, DataSplit split, int numClasses, TrainSpec spec, long seed,
                                  TrainingProgress progress) {
        return fit(graph, split, numClasses, spec, LrSchedule.constant(), seed, progress);
    }

    /**
     * As {@link #fit(ModelGraph, DataSplit, int, TrainSpec, long, TrainingProgress)}, with a learning-rate
     * schedule over epochs. {@code seed} also seeds ND4J's global RNG, which dropout draws from.
     */
    public static TrainResult fit(ModelGraph graph, DataSplit split, int numClasses, TrainSpec spec,
                                  LrSchedule schedule, long seed, TrainingProgress progress) {
        return fit(graph, split, numClasses, spec, schedule, seed, progress, null);
    }

    /**
     * As {@link #fit(ModelGraph, DataSplit, int, TrainSpec, LrSchedule, long, TrainingProgress)}, distilling from a
     * teacher when {@code distillation} is not null: the teacher runs on every batch the student sees (after
     * augmentation) and {@code distillation.loss()} replaces the cross-entropy. The reported loss stays the
     * cross-entropy with the true labels, so runs with and without a teacher compare.
     */
    public static TrainResult fit(ModelGraph graph, DataSplit split, int numClasses, TrainSpec spec,
                                  LrSchedule schedule, long seed, TrainingProgress progress,
                                  Distillation distillation) {
        if (spec.epochs() == 0) {
            return new TrainResult(graph, Double.NaN, 0);
        }
        Nd4j.getRandom().setSeed(seed);
        long preparing = System.nanoTime();
        progress.preparing(graph.nodes().size());
        LoweredGraph lowered = SameDiffLowering.lower(graph, true);
        SameDiff sd = lowered.sd();
        if (distillation == null) {
            ClassifierLoss.attach(lowered, numClasses);
        } else {
            ClassifierLoss.attach(lowered, numClasses, distillation);
        }
        OptimizerSpec opt = spec.optimizer();
        TrainingConfig.Builder cfg = TrainingConfig.builder().updater(Updaters.of(opt, schedule, spec.epochs()))
                .dataSetFeatureMapping(lowered.inputName()).dataSetLabelMapping(LABEL);
        if (opt.weightDecay() > 0) {
            cfg.l2(opt.weightDecay());
        }
        sd.setTrainingConfig(cfg.build());
        Quietly.run(sd::createGradFunction);
        progress.prepared(graph.nodes().size(), (System.nanoTime() - preparing) / 1e9);
        ShuffledBatches batches = new ShuffledBatches(split, numClasses, spec.batch(), spec.limit(), seed,
                spec.augment());
        MaskAndProgress listener = new MaskAndProgress(lowered.outputName(), graph.masks(), batches, spec, progress);
        BatchNormTracker bn = new BatchNormTracker(lowered.bnStats(), graph.initializers());
        long start = System.nanoTime();
        TrainingLoop.BatchFeeds feeds = TrainingLoop.BatchFeeds.NONE;
        if (distillation != null) {
            TeacherFeed teacher = new TeacherFeed(distillation.teacher());
            feeds = features -> Map.of(ClassifierLoss.TEACHER, teacher.logits(features));
        }
        TrainingLoop.run(sd, batches, spec.epochs(), List.of(listener, bn), feeds);
        double seconds = (System.nanoTime() - start) / 1e9;
        ModelGraph.Builder out = graph.toBuilder();
        for (String name : lowered.trainable()) {
            AnnotatedWeights.put(out, graph, name, sd.getArrForVarName(name).dup()); // quantized stay quantized
        }
        bn.running().forEach(out::initializer);
        double samplesPerSec = (double) batches.rowsPerEpoch() * spec.epochs() / seconds;
        return new TrainResult(out.build(), listener.lastEpochLoss, samplesPerSec);
    }

    static IUpdater updater(OptimizerSpec opt) {
        return Updaters.of(opt, LrSchedule.constant(), 1);
    }

    /** Applies masks after each iteration and forwards progress. */
    private static final class MaskAndProgress extends BaseListener {
        private final Map<String, INDArray> masks;
        private final ShuffledBatches batches;
        private final TrainSpec spec;
        private final TrainingProgress progress;
        private double lossSum;
        private int lossCount;
        private long epochStart;
        private double lastEpochLoss = Double.NaN;
        private double batchLoss = Double.NaN;
        private boolean lossSeen;
        private final String logits;

        MaskAndProgress(String logits, Map<String, INDArray> masks, ShuffledBatches batches, TrainSpec spec,
                        TrainingProgress progress) {
            this.logits = logits;
            this.masks = masks;
            this.batches = batches;
            this.spec = spec;
            this.progress = progress;
        }

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void epochStart(SameDiff sd, At at) {
            lossSum = 0;
            lossCount = 0;
            epochStart = System.nanoTime();
            int perEpoch = (batches.rowsPerEpoch() + spec.batch() - 1) / spec.batch();
            progress.epochStart(at.epoch() + 1, spec.epochs(), perEpoch);
        }

        /**
         * Computes the batch loss from the logits as their op executes. ND4J 1.0.0-M2.1's training session runs only
         * the loss gradient op, never the forward loss op (not even when a listener requires it), so the
         * {@code Loss} handed to {@code iterationDone} is 0; this is the same softmax cross-entropy, mean over rows,
         * as one native op on the logits (float32).
         */
        @Override
        public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
            int i = op.getOutputsOfOp().indexOf(logits);
            if (i >= 0 && i < outputs.length) {
                INDArray[] loss = Nd4j.exec(new SoftmaxCrossEntropyLoss(batch.getLabels(0), outputs[i], null,
                        LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0));
                batchLoss = loss[0].getDouble(0);
                lossSeen = true;
            }
        }

        /** @throws TrainingDivergedException at the first batch whose loss is not finite */
        @Override
        public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
            if (lossSeen && !Double.isFinite(batchLoss)) {
                throw new TrainingDivergedException(at.epoch() + 1, lossCount + 1, batchLoss, spec.optimizer().lr());
            }
            lossSeen = false;
            for (var m : masks.entrySet()) {
                INDArray w = sd.getArrForVarName(m.getKey());
                if (w != null) {
                    w.muli(m.getValue());
                }
            }
            double l = batchLoss;
            lossSum += l;
            lossCount++;
            progress.batchDone(l);
        }

        @Override
        public ListenerResponse epochEnd(SameDiff sd, At at, LossCurve lossCurve, long epochTimeMillis) {
            lastEpochLoss = lossSum / Math.max(1, lossCount);
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            progress.epochEnd(at.epoch() + 1, spec.epochs(), lastEpochLoss, batches.rowsPerEpoch() / seconds);
            return ListenerResponse.CONTINUE;
        }
    }
}
