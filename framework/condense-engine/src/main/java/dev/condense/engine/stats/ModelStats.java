package dev.condense.engine.stats;

import dev.condense.api.model.ModelGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parameter accounting of a {@link ModelGraph}: one row per initializer (in graph order) and totals.
 *
 * <p>{@code denseParams} counts every stored element (a masked zero still counts); {@code nonzeros} counts elements
 * that are not exactly 0 (so {@code -0.0} is a zero), which is what sparse storage would keep. NaN counts as
 * nonzero. Invariant: {@code 0 <= nonzeros <= denseParams} per row and in total.
 */
public record ModelStats(List<TensorStats> tensors, long denseParams, long nonzeros) {

    public ModelStats {
        tensors = List.copyOf(tensors);
    }

    /**
     * One initializer.
     *
     * @param shape       its shape
     * @param denseParams product of the shape
     * @param nonzeros    elements not equal to 0
     */
    public record TensorStats(String name, long[] shape, long denseParams, long nonzeros) {
        public TensorStats {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** nonzeros / denseParams, 0 for an empty tensor. */
        public double density() {
            return denseParams == 0 ? 0.0 : (double) nonzeros / denseParams;
        }
    }

    /** Stats of every initializer of {@code g}. */
    public static ModelStats of(ModelGraph g) {
        List<TensorStats> rows = new ArrayList<>();
        long dense = 0;
        long nz = 0;
        for (var e : g.initializers().entrySet()) {
            INDArray w = e.getValue();
            long count = nonzeros(w);
            rows.add(new TensorStats(e.getKey(), w.shape(), w.length(), count));
            dense += w.length();
            nz += count;
        }
        return new ModelStats(rows, dense, nz);
    }

    /** Elements of {@code w} not equal to 0, counted by ND4J (a boolean {@code neq} mask summed as int64). */
    public static long nonzeros(INDArray w) {
        if (w.isEmpty()) {
            return 0;
        }
        return w.neq(0.0).castTo(DataType.INT64).sumNumber().longValue();
    }

    /** nonzeros / denseParams over the whole graph, 0 for a graph without weights. */
    public double density() {
        return denseParams == 0 ? 0.0 : (double) nonzeros / denseParams;
    }

    /** Size of {@code file} in bytes, as written on disk. */
    public static long fileBytes(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }
}
