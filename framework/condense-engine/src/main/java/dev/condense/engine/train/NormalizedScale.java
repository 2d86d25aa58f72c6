package dev.condense.engine.train;

/** The scale that brings a loss term's first-batch value to a reference magnitude ({@link FeatureLosses}). */
final class NormalizedScale {
    private NormalizedScale() {
    }

    /**
     * @return {@code |reference| / |term|}, or 1 when the term is 0 or either value is not finite (nothing to
     *         scale against)
     */
    static double of(double reference, double term) {
        if (!Double.isFinite(reference) || !Double.isFinite(term) || term == 0 || reference == 0) {
            return 1.0;
        }
        return Math.abs(reference) / Math.abs(term);
    }
}
