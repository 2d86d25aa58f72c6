package dev.condense.kernel.stage.factorize;

import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Ranks for a whole-model MAC budget ({@code target-macs: F}): one scale {@code rho} in (0, 1] for every selected
 * layer, each mode's rank {@code ceil(rho * full)} rounded up to a multiple of {@code m} ({@code rank-multiple}, 1 by
 * default; ONNX Runtime's x86 conv kernels work on blocks of 8 or 16 channels) within {@code [min(m, full), full]},
 * and the largest rho whose model MACs are at most
 * {@code F} times the model's MACs before the stage. A layer whose MACs would not drop at its ranks stays as it is
 * and counts at its own MACs. Ranks are step functions of rho, constant between the breakpoints {@code j m / full},
 * so only those (and 1) are tried. The model's MACs need not be monotone in rho (a Tucker-2 mode reaching its full
 * rank folds its 1x1 into the core and drops that 1x1's MACs), so every breakpoint is evaluated rather than bisected;
 * every rank at the chosen rho is at least its rank at any other rho within the budget.
 */
final class MacBudget {
    private MacBudget() {
    }

    /** Each mode's rank at scale rho, a multiple of {@code multiple} unless that would exceed the full rank. */
    static long[] ranksAt(double rho, long[] full, long multiple) {
        long[] r = new long[full.length];
        for (int i = 0; i < full.length; i++) { // one entry per factorized mode (1 or 2)
            long raw = Math.max(1, (long) Math.ceil(rho * full[i] - 1e-9));
            r[i] = Math.min(full[i], (raw + multiple - 1) / multiple * multiple);
        }
        return r;
    }

    /** Every rho at which some rank reaches a new value ({@code j m / full}, the top of its step), and 1. */
    static SortedSet<Double> breakpoints(List<Candidate> candidates, long multiple) {
        SortedSet<Double> rhos = new TreeSet<>(List.of(1.0));
        for (Candidate c : candidates) {
            for (long full : c.full()) {
                for (long r = multiple; r < full; r += multiple) {
                    rhos.add((double) r / full);
                }
            }
        }
        return rhos;
    }

    /** The model's MACs with the candidates factorized at scale rho (those that would not gain left as they are). */
    static long macsAt(double rho, List<Candidate> candidates, long modelBefore, long multiple) {
        long total = modelBefore;
        for (Candidate c : candidates) {
            total -= c.before() - Math.min(c.before(), c.after(ranksAt(rho, c.full(), multiple)));
        }
        return total;
    }

    /**
     * The ranks of each candidate (by layer node name) for the budget.
     *
     * @param candidates  the layers the stage may factorize (not pruned)
     * @param modelBefore the model's MACs per sample before the stage
     * @param target      the share of them to keep, in (0, 1)
     * @param multiple    ranks are multiples of this (>= 1)
     * @param at          the {@code target-macs} key, for errors
     * @throws RecipeException when even the smallest ranks everywhere exceed the budget
     */
    static Map<String, long[]> ranks(List<Candidate> candidates, long modelBefore, double target, long multiple,
                                     Location at) {
        double budget = target * modelBefore;
        long floor = macsAt(0.0, candidates, modelBefore, multiple);
        if (floor > budget) {
            throw new RecipeException(at, "target-macs " + target + " is out of reach: with rank " + multiple
                    + " in every"
                    + " factorizable layer the model still needs " + floor + " of its " + modelBefore
                    + " MACs per sample (" + String.format("%.3f", (double) floor / modelBefore) + "); layers: "
                    + String.join(", ", candidates.stream().map(c -> Quote.single(c.layer().source())).toList()));
        }
        double best = 0.0;
        for (double rho : breakpoints(candidates, multiple)) {
            if (rho > best && macsAt(rho, candidates, modelBefore, multiple) <= budget) {
                best = rho;
            }
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            out.put(c.layer().node().name(), ranksAt(best, c.full(), multiple));
        }
        return out;
    }
}
