package dev.condense.engine.train;

import dev.condense.api.data.DataSplit;
import dev.condense.api.train.Augmentation;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches over a {@link DataSplit} in a seeded random order, reshuffled at every {@link #reset()}.
 *
 * <p>The split is never copied per epoch: features are viewed as {@code [N, D]} rows and each batch gathers its
 * rows with {@link Nd4j#pullRows}; labels are turned into one-hot {@code [N, C]} once. Batch features are reshaped
 * back to the split's per-row shape ({@code [B, ...]}). The permutation of epoch {@code e} depends only on the seed
 * and {@code e}, so runs are reproducible. Not async: SameDiff must not prefetch on another thread.
 *
 * <p>With an active {@link Augmentation}, the first batch after every {@link #reset()} draws a fresh shifted copy
 * of all rows ({@link RandomShift}, from its own seeded generator, so the shuffling order is the same with and without
 * it) and the epoch's batches gather from that copy. Augmenting once per epoch costs a few whole-split ND4J ops instead of dozens of small
 * ops per batch (which also left libnd4j's native buffers to the garbage collector faster than it freed them).
 */
public final class ShuffledBatches implements DataSetIterator {
    private static final long serialVersionUID = 1L;
    private final INDArray rows;
    private final Augmentation augment;
    private final Random augmentRandom;
    private INDArray epochRows;
    private INDArray epochImages;
    private final INDArray oneHot;
    private final long[] rowShape;
    private final int batch;
    private final int numClasses;
    private final int limit;
    private final Random random;
    private int[] order;
    private int[] lastRows = new int[0];
    private int cursor;
    private boolean reuse;
    private final java.util.Map<Integer, INDArray[]> reused = new java.util.HashMap<>();

    /**
     * @param split      the data
     * @param numClasses number of classes for the one-hot labels
     * @param batch      batch size; the last batch of an epoch may be smaller
     * @param limit      rows used per epoch (the first {@code limit} of each permutation), 0 for all
     * @param seed       shuffling seed
     */
    public ShuffledBatches(DataSplit split, int numClasses, int batch, int limit, long seed) {
        this(split, numClasses, batch, limit, seed, Augmentation.NONE);
    }

    /**
     * As {@link #ShuffledBatches(DataSplit, int, int, int, long)}, augmenting the rows every epoch.
     *
     * @throws IllegalArgumentException when {@code augment} is active and the features are not images
     *                                  {@code [N, C, H, W]}
     */
    public ShuffledBatches(DataSplit split, int numClasses, int batch, int limit, long seed, Augmentation augment) {
        INDArray f = split.features();
        if (augment.active() && f.rank() != 4) {
            throw new IllegalArgumentException("augment shift needs image rows [N, C, H, W]; the features are "
                    + java.util.Arrays.toString(f.shape()));
        }
        this.augment = augment;
        this.augmentRandom = new Random(seed * 0x9E3779B97F4A7C15L + 0x632BE5ABL);
        long n = f.size(0);
        this.rows = f.reshape('c', n, f.length() / n);
        this.rowShape = f.shape();
        INDArray classes = Nd4j.arange(numClasses).castTo(DataType.FLOAT).reshape(1, numClasses);
        this.oneHot = split.labels().castTo(DataType.FLOAT).reshape(n, 1).broadcast(n, numClasses)
                .eq(classes.broadcast(n, numClasses)).castTo(DataType.FLOAT);
        this.batch = batch;
        this.numClasses = numClasses;
        this.limit = limit <= 0 ? (int) n : (int) Math.min(limit, n);
        this.random = new Random(seed);
        reset();
    }

    /**
     * Row ids (indices into the split, in batch order) of the batch {@link #next(int)} returned last; empty before
     * the first. A row's features are the same every epoch unless the augmentation is active.
     */
    int[] lastRows() {
        return lastRows.clone();
    }

    /** Number of rows visited per epoch. */
    public int rowsPerEpoch() {
        return limit;
    }

    @Override
    public boolean hasNext() {
        return cursor < limit;
    }

    @Override
    public DataSet next() {
        return next(batch);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int end = Math.min(limit, cursor + num);
        int[] idx = java.util.Arrays.copyOfRange(order, cursor, end);
        lastRows = idx;
        cursor = end;
        long[] shape = rowShape.clone();
        shape[0] = idx.length;
        if (epochRows == null) {
            shiftEpoch();
        }
        if (reuse) {
            INDArray[] xy = reused.computeIfAbsent(idx.length, b -> new INDArray[] {
                Nd4j.createUninitialized(epochRows.dataType(), b, epochRows.size(1)),
                Nd4j.createUninitialized(oneHot.dataType(), b, numClasses)});
            Nd4j.pullRows(epochRows, xy[0], 1, idx);
            Nd4j.pullRows(oneHot, xy[1], 1, idx);
            return new DataSet(xy[0].reshape('c', shape), xy[1]);
        }
        INDArray x = Nd4j.pullRows(epochRows, 1, idx).reshape('c', shape);
        INDArray y = Nd4j.pullRows(oneHot, 1, idx);
        return new DataSet(x, y);
    }

    /**
     * From now on {@link #next(int)} gathers each batch into arrays kept per batch size instead of new ones (the
     * allocation of a new batch was 5% of a LeNet-300-100 step): a batch's arrays are valid until the next call.
     * For {@link TrainingLoop}, which is done with a batch when it asks for the next; not for callers that keep
     * batches.
     */
    void reuseArrays() {
        reuse = true;
    }

    @Override
    public void reset() {
        int n = (int) rows.size(0);
        order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        cursor = 0;
        if (epochImages != null) {
            epochImages.close(); // the owner of last epoch's copy (epochRows is a view of it)
            epochImages = null;
        }
        epochRows = augment.active() ? null : rows; // the shifted copy is drawn by the epoch's first batch
    }

    /** Draws this epoch's shifted copy of all rows; not at reset, so the reset after the last epoch costs nothing. */
    private void shiftEpoch() {
        epochImages = RandomShift.shift(rows.reshape('c', rowShape), augment.shift(), augmentRandom);
        epochRows = epochImages.reshape('c', rows.shape());
    }

    @Override
    public int inputColumns() {
        return (int) rows.size(1);
    }

    @Override
    public int totalOutcomes() {
        return numClasses;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("preprocessing belongs inside the model graph (design invariant 2)");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
