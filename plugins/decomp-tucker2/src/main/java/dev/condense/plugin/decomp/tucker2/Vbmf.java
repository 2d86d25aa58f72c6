package dev.condense.plugin.decomp.tucker2;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The rank that empirical variational Bayesian matrix factorization (EVBMF) keeps, by its global analytic solution:
 * Nakajima, Sugiyama, Babacan and Tomioka, "Global Analytic Solution of Fully-Observed Variational Bayesian Matrix
 * Factorization", JMLR 14, 2013 (Theorem 2 and Corollary 1: the noise variance sigma^2 minimizes the free energy,
 * then a component is kept when its singular value exceeds
 * {@code sqrt(M sigma^2 (1 + tau_bar) (1 + alpha / tau_bar))}, with {@code alpha = L / M} and
 * {@code tau_bar = 2.5129 sqrt(alpha)}). Kim et al. (ICLR 2016) choose Tucker-2 ranks this way, one EVBMF per mode
 * unfolding.
 *
 * <p>Works on the singular values only (a vector of {@code min(L, M)}); the one-dimensional minimization over
 * sigma^2 is a golden-section search on {@code log sigma^2} within the paper's bounds.
 */
final class Vbmf {
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;
    private static final int SEARCH_STEPS = 120;

    private Vbmf() {
    }

    /**
     * The number of components EVBMF keeps for a fully observed {@code [rows, cols]} matrix with singular values s.
     *
     * @param s    all {@code min(rows, cols)} singular values, descending, >= 0
     * @param rows the matrix's rows
     * @param cols its columns
     * @return the kept rank, in {@code [0, min(rows, cols)]}
     */
    static int rank(double[] s, long rows, long cols) {
        double l = Math.min(rows, cols);
        double m = Math.max(rows, cols);
        int h = s.length;
        if (h != (int) l) {
            throw new IllegalArgumentException("EVBMF needs all " + (long) l + " singular values, got " + h);
        }
        double sum = Arrays.stream(s).map(v -> v * v).sum();
        if (sum == 0.0) {
            return 0;
        }
        double alpha = l / m;
        double tauBar = 2.5129 * Math.sqrt(alpha);
        double xBar = (1 + tauBar) * (1 + alpha / tauBar);
        int eh = (int) Math.min(Math.ceil(l / (1 + alpha)) - 1, h) - 1;
        double upper = sum / (l * m);
        double tailMean = Arrays.stream(s, eh + 1, h).map(v -> v * v).average().orElse(0.0) / m;
        double lower = Math.max(Math.max(s[eh + 1] * s[eh + 1] / (m * xBar), tailMean), upper * 1e-12);
        double sigma2 = Math.exp(minimize(t -> freeEnergy(Math.exp(t), l, m, s, alpha, xBar),
                Math.log(lower), Math.log(upper)));
        double threshold = Math.sqrt(m * sigma2 * (1 + tauBar) * (1 + alpha / tauBar));
        return (int) Arrays.stream(s).filter(v -> v > threshold).count();
    }

    /** The free energy's sigma^2-dependent part (Nakajima et al. 2013, eq. 30; no residual: all values given). */
    static double freeEnergy(double sigma2, double l, double m, double[] s, double alpha, double xBar) {
        double total = 0;
        for (double v : s) { // one term per singular value: at most min(rows, cols) scalars
            double x = Math.max(v * v, Double.MIN_NORMAL) / (m * sigma2);
            if (x > xBar) {
                double tau = 0.5 * (x - (1 + alpha) + Math.sqrt((x - (1 + alpha)) * (x - (1 + alpha)) - 4 * alpha));
                total += x - tau + Math.log((tau + 1) / x) + alpha * Math.log(tau / alpha + 1);
            } else {
                total += x - Math.log(x);
            }
        }
        return total + (l - s.length) * Math.log(sigma2);
    }

    /** Golden-section search for a minimum of f on [a, b]. */
    static double minimize(DoubleUnaryOperator f, double a, double b) {
        if (!(b > a)) {
            return a;
        }
        double c = b - GOLDEN * (b - a);
        double d = a + GOLDEN * (b - a);
        double fc = f.applyAsDouble(c);
        double fd = f.applyAsDouble(d);
        for (int i = 0; i < SEARCH_STEPS; i++) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - GOLDEN * (b - a);
                fc = f.applyAsDouble(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + GOLDEN * (b - a);
                fd = f.applyAsDouble(d);
            }
        }
        return (a + b) / 2;
    }
}
