package dev.condense.engine.train;

import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossInputs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The feature terms of a distillation run (a {@code distill} stage's layer map): at graph build each
 * {@link FeatureTerm}'s student tensors are tapped (through a {@link FeatureProjection} when the widths differ) and
 * its teacher tensors are fed by the run's {@link TeacherFeed}; {@link #total} then sums
 * {@code logitsWeight * logitsLoss + sum_j weight_j * scale_j * term_j}.
 *
 * <p>Scales are 1, or with {@code normalize} {@code |logits loss| / |term_j|} measured on the first batch (the
 * term then starts at the logits loss's magnitude times its weight; a reference of 1 when {@code logitsWeight} is
 * 0). They are fed as placeholders, so the first step trains with scale 1 and every later step with the measured
 * scale. Each term's unscaled value (and the logits loss's) is averaged per epoch: {@link #history()}.
 */
public final class FeatureLosses implements TrainingHook {
    /** The report's name for the logits loss in {@link #history()}. */
    public static final String LOGITS = "logits";
    private static final String PREFIX = "condense.kd/";
    private final TeacherFeed teacher;
    private final List<FeatureTerm> terms;
    private final double logitsWeight;
    private final boolean normalize;
    private final List<SDVariable> raw = new ArrayList<>();
    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private String logitsName;
    private double[] scales;
    private boolean measured;
    private double[] sums;
    private int steps;

    /**
     * @param teacher      the run's teacher feed (a hook before this one)
     * @param terms        the feature terms, at least one
     * @param logitsWeight weight of the logits loss, finite and &ge; 0 (0 trains on the hints only: FitNets' stage 1)
     * @param normalize    scale each term to the logits loss's magnitude at the first batch
     */
    public FeatureLosses(TeacherFeed teacher, List<FeatureTerm> terms, double logitsWeight, boolean normalize) {
        this.teacher = Objects.requireNonNull(teacher, "teacher");
        this.terms = List.copyOf(terms);
        if (this.terms.isEmpty()) {
            throw new IllegalArgumentException("no feature terms");
        }
        if (!(logitsWeight >= 0 && Double.isFinite(logitsWeight))) {
            throw new IllegalArgumentException("logitsWeight must be finite and >= 0, was " + logitsWeight);
        }
        this.logitsWeight = logitsWeight;
        this.normalize = normalize;
    }

    @Override
    public void build(GraphBuild build) {
        SameDiff sd = build.sd();
        LossInputs base = build.lossInputs();
        raw.clear();
        for (int j = 0; j < terms.size(); j++) {
            FeatureTerm term = terms.get(j);
            Map<String, SDVariable> features = new LinkedHashMap<>();
            for (int i = 0; i < term.pairs().size(); i++) {
                FeaturePair p = term.pairs().get(i);
                SDVariable s = FeatureProjection.apply(sd, PREFIX + "projection/" + j + "/" + i,
                        build.tensor(p.student()), p);
                features.put(FeatureKeys.student(i), s);
                features.put(FeatureKeys.teacher(i), teacher.tap(build, p.teacher()));
            }
            SDVariable value = term.loss().apply(new LossInputs(sd, base.logits(), base.labels(),
                    base.teacherLogits(), features));
            raw.add(sd.identity(PREFIX + "term/" + j, value));
        }
    }

    /**
     * The total training loss over {@code logitsLoss} (the stage's logits loss, built in the same graph after
     * {@link #build}). The logits loss stays on the loss path even with weight 0, so every weight has a gradient.
     */
    public SDVariable total(SDVariable logitsLoss) {
        SameDiff sd = logitsLoss.getSameDiff();
        logitsName = sd.identity(PREFIX + "logits", logitsLoss).name();
        SDVariable sum = sd.getVariable(logitsName).mul(logitsWeight);
        for (int j = 0; j < raw.size(); j++) {
            SDVariable t = raw.get(j).mul(terms.get(j).weight());
            if (normalize) {
                t = t.mul(sd.placeHolder(PREFIX + "scale/" + j, DataType.FLOAT));
            }
            sum = sum.add(t);
        }
        scales = new double[raw.size()];
        java.util.Arrays.fill(scales, 1.0);
        measured = false;
        sums = new double[raw.size() + 1];
        steps = 0;
        history.clear();
        return sum;
    }

    @Override
    public Set<String> observed() {
        Set<String> names = new LinkedHashSet<>();
        names.add(logitsName);
        raw.forEach(v -> names.add(v.name()));
        return names;
    }

    @Override
    public void beforeStep(StepState step) {
        if (normalize) {
            for (int j = 0; j < scales.length; j++) {
                step.feed(PREFIX + "scale/" + j, Nd4j.scalar((float) scales[j]));
            }
        }
    }

    @Override
    public void afterStep(StepState step) {
        double[] v = new double[raw.size() + 1];
        v[0] = value(step, logitsName);
        for (int j = 0; j < raw.size(); j++) {
            v[j + 1] = value(step, raw.get(j).name());
        }
        for (int k = 0; k < v.length; k++) {
            sums[k] += v[k];
        }
        steps++;
        if (normalize && !measured) {
            double reference = logitsWeight > 0 ? Math.abs(v[0]) : 1.0;
            for (int j = 0; j < scales.length; j++) {
                scales[j] = NormalizedScale.of(reference, v[j + 1]);
            }
            measured = true;
        }
    }

    private static double value(StepState step, String name) {
        INDArray a = step.observed(name);
        return a == null ? Double.NaN : a.getDouble(0);
    }

    @Override
    public void epochEnd(EpochSummary epoch) {
        add(LOGITS, sums[0] / steps);
        for (int j = 0; j < terms.size(); j++) {
            add(terms.get(j).label(), sums[j + 1] / steps);
        }
        java.util.Arrays.fill(sums, 0);
        steps = 0;
    }

    private void add(String key, double mean) {
        history.computeIfAbsent(key, k -> new ArrayList<>()).add(mean);
    }

    /** Per term (and {@value #LOGITS}), its unscaled, unweighted mean value per epoch, in epoch order. */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        history.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /** The scales in use (1 until measured, or without {@code normalize}). */
    public double[] scales() {
        return scales == null ? new double[0] : scales.clone();
    }
}
