package dev.condense.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Random translation of image batches, the classic augmentation for digit and clothing images (Simard, Steinkraus
 * &amp; Platt 2003, "Best Practices for Convolutional Neural Networks Applied to Visual Document Analysis").
 *
 * <p>Shapes: {@code x [B, C, H, W]} raw inputs; each sample moves by its own {@code (dy, dx)}, both in
 * {@code [-max, max]} pixels; pixels moved in from outside are 0 (the background of raw MNIST-like images, before
 * the graph's own normalization). The output has the input's shape and type. Samples are grouped by offset, so a call
 * costs a row gather and a window copy per distinct offset ({@code (2 max + 1)^2} at most), never a per-sample or
 * per-pixel loop; {@link ShuffledBatches} calls it once per epoch on all training rows. (ND4J's element-wise Gather
 * op was tried first: 26 ms per batch of 100 MNIST images.)
 */
public final class RandomShift {
    private RandomShift() {
    }

    /** Shifts every sample of {@code x} by offsets drawn uniformly from {@code [-max, max]} with {@code rng}. */
    public static INDArray shift(INDArray x, int max, Random rng) {
        int b = (int) x.size(0);
        long[] dy = new long[b];
        long[] dx = new long[b];
        for (int i = 0; i < b; i++) {
            dy[i] = rng.nextInt(2 * max + 1) - max;
            dx[i] = rng.nextInt(2 * max + 1) - max;
        }
        return shift(x, max, dy, dx);
    }

    /**
     * {@code out[i, c, y, x] = x[i, c, y - dy[i], x - dx[i]]}, 0 where that falls outside the image. The result owns
     * its buffer (it is not a view), so the caller may {@code close()} it.
     *
     * @param max bound on {@code |dy|, |dx|}, the padding used, &gt;= 0
     */
    public static INDArray shift(INDArray x, int max, long[] dy, long[] dx) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("shift needs images [B, C, H, W], got rank " + x.rank());
        }
        int b = (int) x.size(0);
        long c = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        INDArray padded = Nd4j.pad(x, new int[][] {{0, 0}, {0, 0}, {max, max}, {max, max}});
        INDArray rows = padded.reshape('c', b, padded.length() / b);
        int side = 2 * max + 1;
        List<List<Integer>> groups = new ArrayList<>();
        for (int k = 0; k < side * side; k++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < b; i++) {
            if (Math.abs(dy[i]) > max || Math.abs(dx[i]) > max) {
                throw new IllegalArgumentException("offset (" + dy[i] + ", " + dx[i] + ") exceeds max " + max);
            }
            groups.get((int) ((dy[i] + max) * side + dx[i] + max)).add(i);
        }
        List<INDArray> parts = new ArrayList<>();
        int[] inverse = new int[b];
        int at = 0;
        for (int k = 0; k < groups.size(); k++) {
            List<Integer> g = groups.get(k);
            if (g.isEmpty()) {
                continue;
            }
            int[] idx = g.stream().mapToInt(Integer::intValue).toArray();
            for (int i : idx) {
                inverse[i] = at++;
            }
            long top = max - (k / side - max);
            long left = max - (k % side - max);
            INDArray pulled = Nd4j.pullRows(rows, 1, idx);
            INDArray window = pulled.reshape('c', idx.length, c, h + 2L * max, w + 2L * max)
                    .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + h),
                            NDArrayIndex.interval(left, left + w));
            parts.add(window.dup('c'));
            pulled.close();
        }
        padded.close();
        INDArray grouped = Nd4j.concat(0, parts.stream().map(p -> p.reshape('c', p.size(0), c * h * w))
                .toArray(INDArray[]::new));
        INDArray out = Nd4j.create(x.dataType(), x.shape());
        Nd4j.pullRows(grouped, out.reshape('c', b, c * h * w), 1, inverse);
        // Release the temporaries now: libnd4j frees a native buffer only when the JVM collects its owner, and the
        // training heap is too quiet for that to happen in time. Only an array that owns its buffer can be closed
        // (a reshape is a view: its close() does nothing), so the owners are the ones kept and closed here.
        parts.forEach(INDArray::close);
        grouped.close();
        return out;
    }
}
