package dev.condense.engine.quant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds few layers to keep in float so that the quantized model's accuracy drop (against the float model, on a
 * {@link QuantizationProbe}'s rows, in percentage points) is at most {@code maxDrop}.
 *
 * <p>The search: (1) everything quantized; if within tolerance, done. (2) Greedy: leave the candidates in float one
 * at a time in order of sensitivity (most sensitive first, {@link LayerSensitivity#RANKING}) until the drop is
 * within tolerance. Since the order is by the accuracy with the layer alone in float, the first greedy step is the
 * best single layer: when one layer suffices, the result has one. (3) Pruning: each float layer but the last one
 * added is tried quantized again, least sensitive first, and stays quantized when the drop remains within
 * tolerance. The result is minimal (no float layer of it can be quantized alone without breaking the tolerance);
 * it is not guaranteed to be the smallest such set (that needs an exhaustive search over subsets).
 *
 * <p>The best model found is always returned: the step within tolerance with the fewest float layers (then the
 * smallest drop, then the earliest); when no step is within tolerance, the step with the smallest drop (then the
 * fewest float layers).
 */
public final class FallbackSearch {

    private FallbackSearch() {
    }

    /**
     * One measured model.
     *
     * @param action      what the step did, e.g. {@code all quantized}, {@code float +conv1.weight}
     * @param floatLayers the layers left in float, in the order they were added
     * @param score       accuracy and logit SQNR
     * @param drop        {@code 100 * (float accuracy - accuracy)}, percentage points
     * @param within      {@code drop <= maxDrop}
     * @param reused      the score was already known (e.g. from the sensitivity table), not measured again
     */
    public record Step(String action, List<String> floatLayers, QuantizationProbe.Score score, double drop,
                       boolean within, boolean reused) {
        public Step {
            floatLayers = List.copyOf(floatLayers);
        }
    }

    /**
     * @param steps every measured model, in order
     * @param best  the returned model's step
     * @param met   whether {@code best} is within tolerance
     */
    public record Result(List<Step> steps, Step best, boolean met) {
        public Result {
            steps = List.copyOf(steps);
        }
    }

    /**
     * @param probe      the float model and the rows
     * @param layers     every quantized layer (by weight initializer)
     * @param candidateOrder the layers that may stay float, most sensitive first (a non-empty subset of
     *                   {@code layers}); asked for only when the all-quantized model is not within tolerance (so a
     *                   caller can measure sensitivity lazily)
     * @param subsets    the quantization of a subset of {@code layers}
     * @param maxDrop    tolerated accuracy drop in percentage points, {@code >= 0}
     */
    public static Result search(QuantizationProbe probe, List<String> layers,
                                java.util.function.Supplier<List<String>> candidateOrder, LayerSubsets subsets,
                                double maxDrop) {
        return search(probe, layers, candidateOrder, subsets, maxDrop, new java.util.HashMap<>());
    }

    /**
     * As above, reusing scores already measured: {@code known} maps a set of float layers to its model's score (on
     * the same probe); {@code candidateOrder} may add to it (e.g. {@link LayerSensitivity.Table#scores}), and every
     * step measured here is added.
     */
    public static Result search(QuantizationProbe probe, List<String> layers,
                                java.util.function.Supplier<List<String>> candidateOrder, LayerSubsets subsets,
                                double maxDrop, java.util.Map<Set<String>, QuantizationProbe.Score> known) {
        if (!(maxDrop >= 0)) {
            throw new IllegalArgumentException("max-drop must be >= 0, was " + maxDrop);
        }
        List<Step> steps = new ArrayList<>();
        Step current = measure(probe, layers, List.of(), subsets, maxDrop, "all quantized", known);
        steps.add(current);
        List<String> candidates = current.within() ? List.of() : List.copyOf(candidateOrder.get());
        if (!current.within() && (candidates.isEmpty() || !layers.containsAll(candidates))) {
            throw new IllegalArgumentException("candidates " + candidates + " must be a non-empty subset of " + layers);
        }
        List<String> floats = new ArrayList<>();
        for (int i = 0; i < candidates.size() && !current.within(); i++) {
            floats.add(candidates.get(i));
            current = measure(probe, layers, floats, subsets, maxDrop, "float +" + candidates.get(i), known);
            steps.add(current);
        }
        if (current.within()) {
            for (int i = floats.size() - 2; i >= 0; i--) {
                List<String> trial = new ArrayList<>(floats);
                String back = trial.remove(i);
                Step s = measure(probe, layers, trial, subsets, maxDrop, "quantize -" + back, known);
                steps.add(s);
                if (s.within()) {
                    floats = trial;
                }
            }
        }
        Comparator<Step> order = Comparator.comparing((Step s) -> !s.within())
                .thenComparingInt(s -> s.within() ? s.floatLayers().size() : 0)
                .thenComparingDouble(Step::drop)
                .thenComparingInt(s -> s.floatLayers().size());
        Step best = steps.stream().min(order).orElseThrow();   // min is the first of equals: the earliest step
        return new Result(steps, best, best.within());
    }

    private static Step measure(QuantizationProbe probe, List<String> layers, List<String> floats,
                                LayerSubsets subsets, double maxDrop, String action,
                                java.util.Map<Set<String>, QuantizationProbe.Score> known) {
        Set<String> quantized = new LinkedHashSet<>(layers);
        floats.forEach(quantized::remove);
        Set<String> key = Set.copyOf(floats);
        QuantizationProbe.Score score = known.get(key);
        boolean reused = score != null;
        if (score == null) {
            score = quantized.isEmpty()
                    ? new QuantizationProbe.Score(probe.referenceAccuracy(), Double.POSITIVE_INFINITY)
                    : probe.score(subsets.quantize(quantized));
            known.put(key, score);
        }
        double drop = 100 * (probe.referenceAccuracy() - score.accuracy());
        return new Step(action, floats, score, drop, drop <= maxDrop + 1e-9, reused);
    }
}
