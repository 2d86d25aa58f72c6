package dev.condense.engine.train;

import dev.condense.api.data.DataSplit;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainResult;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.graph.AnnotatedWeights;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link ModelGraph} classifier with SameDiff: a loss on the graph's logits (softmax cross-entropy by
 * default), Adam or SGD (Nesterov momentum, L2 weight decay), the spec's per-epoch learning-rate schedule, seeded
 * shuffled mini-batches. The graph is lowered in training mode: BatchNormalization normalizes with batch statistics
 * and its running statistics are updated by {@link BatchNormTracker}; Dropout drops. The trained graph is for
 * inference mode. Everything else a run does is a {@link TrainingHook}: {@link MaskProjection} (pruned weights stay
 * zero), {@link TeacherFeed} (distillation), {@link FeatureTaps} (hint losses), {@link FakeQuantization},
 * {@link WeightProjection}, {@link ProgressHook}; the spec's {@link MaxNormProjection max-norm} constraint runs
 * as the first hook. The spec's gradient clipping ({@link GradientClipping}) runs in the step, before the updater. The input graph is not modified; the result carries new arrays.
 */
public final class Trainer {
    /** The default loss: batch-mean softmax cross-entropy of the student's logits with the one-hot labels. */
    public static final Function<LossInputs, SDVariable> CROSS_ENTROPY = ClassifierLoss::crossEntropy;

    private Trainer() {
    }

    /**
     * One training run. {@code seed} seeds the batch order and ND4J's global RNG (dropout). The reported loss
     * ({@link TrainResult#finalLoss()}, the mean over the last epoch) is always the softmax cross-entropy with the
     * true labels, whatever {@code loss} trains on, so runs with different losses compare.
     *
     * @param graph      graph with one input (features as in {@code split}) and one output (logits {@code [N, C]})
     * @param split      training rows
     * @param numClasses number of classes {@code C}
     * @param spec       epochs, batch, optimizer, row limit, learning-rate schedule, augmentation, clipping and
     *                   max-norm
     * @param seed       shuffling and dropout seed
     * @param loss       builds the scalar training loss (mean over the batch) from the {@link LossInputs} the hooks
     *                   filled; {@link #CROSS_ENTROPY} for plain training
     * @param hooks      called in list order at every phase ({@link TrainingHook})
     * @throws TrainingDivergedException at the first batch whose loss is not finite
     */
    public static TrainResult fit(ModelGraph graph, DataSplit split, int numClasses, TrainSpec spec, long seed,
                                  Function<LossInputs, SDVariable> loss, List<TrainingHook> hooks) {
        return fit(graph, split, numClasses, spec, seed, loss, hooks, true, steps -> { });
    }

    /**
     * As the public {@code fit}; {@code planned} false runs every step in SameDiff's session instead of an
     * {@link OpPlan}, and {@code plannedSteps} receives the number of steps that ran from a plan.
     */
    static TrainResult fit(ModelGraph graph, DataSplit split, int numClasses, TrainSpec spec, long seed,
                           Function<LossInputs, SDVariable> loss, List<TrainingHook> hooks, boolean planned,
                           IntConsumer plannedSteps) {
        Objects.requireNonNull(loss, "loss");
        if (spec.epochs() == 0) {
            return new TrainResult(graph, Double.NaN, 0);
        }
        Nd4j.getRandom().setSeed(seed);
        List<TrainingHook> all = new java.util.ArrayList<>(hooks);
        if (spec.norms().constrains()) {
            all.add(0, new MaxNormProjection(spec.norms().maxNorm()));
        }
        Lowering lowering = new Lowering(graph, SameDiffLowering.trainableInitializers(graph));
        all.forEach(h -> h.lower(lowering));
        LoweredGraph lowered = SameDiffLowering.lower(graph, true, lowering.combined(),
                lowering.combinedActivations());
        SameDiff sd = lowered.sd();
        GraphBuild build = new GraphBuild(graph, lowered, ClassifierLoss.labels(sd, numClasses), numClasses);
        all.forEach(h -> h.build(build));
        sd.setLossVariables(loss.apply(build.lossInputs()).name());
        OptimizerSpec opt = spec.optimizer();
        ShuffledBatches batches = new ShuffledBatches(split, numClasses, spec.batch(), spec.limit(), seed,
                spec.augment());
        int stepsPerEpoch = (batches.rowsPerEpoch() + spec.batch() - 1) / spec.batch();
        TrainingConfig.Builder cfg = TrainingConfig.builder()
                .updater(Updaters.of(opt, spec.schedule(), spec.epochs(), stepsPerEpoch))
                .dataSetFeatureMapping(lowered.inputName()).dataSetLabelMapping(ClassifierLoss.LABEL);
        if (opt.weightDecay() > 0) {
            cfg.l2(opt.weightDecay());
        }
        sd.setTrainingConfig(cfg.build());
        Quietly.run(sd::createGradFunction);
        HookRunner runner = new HookRunner(lowered.outputName(), all, sd, spec.epochs(), batches.rowsPerEpoch(),
                spec.batch(), opt.lr(), Set.of(lowered.inputName(), ClassifierLoss.LABEL));
        BatchNormTracker bn = new BatchNormTracker(lowered.bnStats(), graph.initializers());
        long start = System.nanoTime();
        GradientClipping clipping = spec.norms().clips() ? new GradientClipping(spec.norms().clipNorm()) : null;
        plannedSteps.accept(TrainingLoop.run(sd, batches, spec.epochs(), List.of(runner, bn), runner, planned,
                clipping));
        double seconds = (System.nanoTime() - start) / 1e9;
        ModelGraph.Builder out = graph.toBuilder();
        for (String name : lowered.trainable()) {
            AnnotatedWeights.put(out, graph, name, sd.getArrForVarName(name).dup()); // quantized stay quantized
        }
        bn.running().forEach(out::initializer);
        double samplesPerSec = (double) batches.rowsPerEpoch() * spec.epochs() / seconds;
        return new TrainResult(out.build(), runner.lastEpochLoss(), samplesPerSec,
                clipping == null ? TrainResult.ClippingStats.NONE : clipping.stats());
    }
}
