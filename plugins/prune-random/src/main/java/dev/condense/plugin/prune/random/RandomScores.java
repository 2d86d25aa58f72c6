package dev.condense.plugin.prune.random;

import dev.condense.api.prune.Granularity;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Random importance, the plain function behind {@link RandomScorer}: i.i.d. uniform scores in {@code [0, 1)} drawn
 * from ND4J's native generator, so every unit is equally likely to be pruned at any sparsity. This is the control
 * of every pruning study (e.g. Blalock et al., What is the State of Neural Network Pruning?, MLSys 2020).
 *
 * <p>Shapes follow {@code ImportanceScorer}: ELEMENT gives the weight's shape, NEURON/FILTER {@code [size(0)]},
 * CHANNEL {@code [size(1)]}; float32. Deterministic in {@code (seed, weight shape, granularity)}; the weight's values
 * are never read, let alone mutated.
 */
public final class RandomScores {
    private RandomScores() {
    }

    /**
     * @param w    weight in ONNX layout, rank &gt;= 2 for unit granularities (only its shape is used)
     * @param g    granularity
     * @param seed generator seed, see {@link #mix(long, long, String)}
     */
    @SuppressWarnings("try") // ND4J's Random.close() is declared to throw Exception; the native one never throws
    public static INDArray score(INDArray w, Granularity g, long seed) {
        long[] shape = switch (g) {
            case ELEMENT -> w.shape();
            case NEURON, FILTER -> new long[] {unitAxis(w, 0)};
            case CHANNEL -> new long[] {unitAxis(w, 1)};
        };
        try (Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed)) {
            return Nd4j.rand(rng, shape).castTo(DataType.FLOAT);
        } catch (Exception e) {
            throw new IllegalStateException("closing the ND4J random generator failed", e);
        }
    }

    /**
     * A well-spread seed from the scorer's own seed, the stage seed and the layer name (SplitMix64 finalizer over
     * their combination), so nearby seeds and similar layer names give unrelated streams.
     */
    public static long mix(long paramSeed, long stageSeed, String layer) {
        long h = paramSeed * 0x9E3779B97F4A7C15L;
        h = splitMix(h ^ stageSeed);
        h = splitMix(h ^ Arrays.hashCode(layer.getBytes(StandardCharsets.UTF_8)));
        return h;
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long unitAxis(INDArray w, int axis) {
        if (w.rank() < 2) {
            throw new IllegalArgumentException("unit granularities need a weight of rank >= 2, got shape "
                    + Arrays.toString(w.shape()));
        }
        return w.size(axis);
    }
}
