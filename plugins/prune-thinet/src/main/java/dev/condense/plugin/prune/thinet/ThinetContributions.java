package dev.condense.plugin.prune.thinet;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-input-channel contributions to sampled outputs of a layer, ThiNet's {@code x_hat} (Luo, Wu, Lin. ThiNet: A
 * Filter Level Pruning Method for Deep Neural Network Compression. ICCV 2017, section 3.2).
 *
 * <p>Row {@code s} of the result is one sampled output value {@code y_s} (before bias) split by input channel:
 * {@code C[s, c]} is what channel {@code c} adds to it, so {@code sum_c C[s, c] = y_s}. Removing a set {@code T} of
 * channels changes {@code y_s} by {@code -sum_{c in T} C[s, c]}. Results are float64 {@code [samples, inC]}.
 */
public final class ThinetContributions {
    private ThinetContributions() {
    }

    /**
     * Gemm: {@code C[s, j] = x[rows[s], j] * w[outputs[s], j]}.
     *
     * @param x       layer input {@code [N, in]}
     * @param w       weight {@code [out, in]} (ONNX Gemm with {@code transB=1})
     * @param rows    sampled row of {@code x} per sample, each in {@code [0, N)}
     * @param outputs sampled output unit per sample, each in {@code [0, out)}
     */
    public static INDArray gemm(INDArray x, INDArray w, int[] rows, int[] outputs) {
        INDArray x2 = x.castTo(DataType.DOUBLE).reshape('c', x.size(0), w.size(1));
        return x2.getRows(rows).mul(w.castTo(DataType.DOUBLE).getRows(outputs));
    }

    /**
     * Conv (one group): {@code C[s, c] = sum_{kh, kw} w[outputs[s], c, kh, kw] * patch_s[c, kh, kw]} where
     * {@code patch_s} is the receptive field of output position {@code positions[s]}.
     *
     * @param x         layer input {@code [N, inC, H, W]}
     * @param w         weight {@code [outC, inC, kH, kW]}
     * @param strides   {@code [sH, sW]}
     * @param pads      ONNX order {@code [top, left, bottom, right]}, zero padding
     * @param dilations {@code [dH, dW]}
     * @param positions sampled flat output position {@code (n * oH + oh) * oW + ow}, see {@link #convPositions}
     * @param outputs   sampled output channel per sample, each in {@code [0, outC)}
     */
    public static INDArray conv(INDArray x, INDArray w, int[] strides, int[] pads, int[] dilations,
                                int[] positions, int[] outputs) {
        INDArray cols = patches(x, w, strides, pads, dilations);
        long inC = w.size(1);
        long k = w.size(2) * w.size(3);
        INDArray p = cols.getRows(positions);
        INDArray wr = w.castTo(DataType.DOUBLE).reshape('c', w.size(0), inC * k).getRows(outputs);
        return p.mul(wr).reshape('c', positions.length, inC, k).sum(2);
    }

    /** Number of output positions {@code N * oH * oW} of a Conv on {@code x}, the bound of sampled positions. */
    public static long convPositions(INDArray x, INDArray w, int[] strides, int[] pads, int[] dilations) {
        long oh = (x.size(2) + pads[0] + pads[2] - dilations[0] * (w.size(2) - 1) - 1) / strides[0] + 1;
        long ow = (x.size(3) + pads[1] + pads[3] - dilations[1] * (w.size(3) - 1) - 1) / strides[1] + 1;
        return x.size(0) * oh * ow;
    }

    /** im2col with every output position as a row: {@code [N * oH * oW, inC * kH * kW]}, float64. */
    static INDArray patches(INDArray x, INDArray w, int[] strides, int[] pads, int[] dilations) {
        INDArray padded = Nd4j.pad(x.castTo(DataType.DOUBLE),
                new int[][] {{0, 0}, {0, 0}, {pads[0], pads[2]}, {pads[1], pads[3]}});
        int kh = (int) w.size(2);
        int kw = (int) w.size(3);
        long oh = (padded.size(2) - dilations[0] * (kh - 1) - 1) / strides[0] + 1;
        long ow = (padded.size(3) - dilations[1] * (kw - 1) - 1) / strides[1] + 1;
        INDArray col = Nd4j.create(DataType.DOUBLE, x.size(0), x.size(1), kh, kw, oh, ow);
        Convolution.im2col(padded, kh, kw, strides[0], strides[1], 0, 0, dilations[0], dilations[1], false, col);
        long rowsOut = col.size(0) * col.size(4) * col.size(5);
        return col.permute(0, 4, 5, 1, 2, 3).dup('c').reshape('c', rowsOut, col.size(1) * kh * kw);
    }

    /** {@code count} indices drawn uniformly with replacement from {@code [0, bound)}; deterministic in the seed. */
    public static int[] sample(long seed, int count, long bound) {
        return new SplittableRandom(seed).ints(count, 0, Math.toIntExact(bound)).toArray();
    }
}
