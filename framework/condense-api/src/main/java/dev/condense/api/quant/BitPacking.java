package dev.condense.api.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One bit per binary code, eight codes per byte: the storage of a binarized weight (XNOR-Net, Rastegari et al. 2016;
 * the Deep Compression container stores these bytes). Codes are read in C order; code {@code i} is bit
 * {@code 7 - i % 8} (most significant first) of byte {@code i / 8}; bit 1 means {@code +1} (a code {@code >= 0}),
 * bit 0 means {@code -1}; the unused low bits of the last byte are 0. {@code n} codes take {@code ceil(n / 8)} bytes.
 */
public final class BitPacking {
    private static final INDArray WEIGHTS = Nd4j.createFromArray(128f, 64f, 32f, 16f, 8f, 4f, 2f, 1f).reshape(8, 1);

    private BitPacking() {
    }

    /** The number of bytes {@code codes} codes take: {@code ceil(codes / 8)}. */
    public static long packedBytes(long codes) {
        return (codes + 7) / 8;
    }

    /**
     * Packs the signs of {@code codes} (any shape and numeric type; {@code >= 0} is {@code +1}, {@code < 0} is
     * {@code -1}).
     *
     * @return {@code ceil(codes.length() / 8)} bytes
     */
    public static byte[] pack(INDArray codes) {
        long n = codes.length();
        long bytes = packedBytes(n);
        INDArray bits = Nd4j.zeros(DataType.FLOAT, bytes * 8);
        if (n > 0) {
            bits.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n))
                    .assign(codes.reshape(n).gte(0).castTo(DataType.FLOAT));
        }
        INDArray values = bits.reshape(bytes, 8).mmul(WEIGHTS).reshape(bytes);   // 0..255, exact in float32
        int[] unsigned = values.castTo(DataType.INT32).toIntVector();
        byte[] out = new byte[unsigned.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) unsigned[i];   // a type conversion, not arithmetic on the codes
        }
        return out;
    }

    /**
     * The inverse of {@link #pack}: {@code +1} and {@code -1} as float32 in {@code shape}.
     *
     * @throws IllegalArgumentException when {@code packed} does not hold exactly {@code ceil(n / 8)} bytes for the
     *                                  {@code n} elements of {@code shape}
     */
    public static INDArray unpack(byte[] packed, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (packed.length != packedBytes(n)) {
            throw new IllegalArgumentException(packed.length + " bytes cannot hold exactly the " + n + " codes of "
                    + java.util.Arrays.toString(shape) + " (" + packedBytes(n) + " bytes)");
        }
        if (n == 0) {
            return Nd4j.zeros(DataType.FLOAT, shape);
        }
        INDArray unsigned = Nd4j.createFromArray(packed).castTo(DataType.FLOAT);
        unsigned.addi(unsigned.lt(0).castTo(DataType.FLOAT).muli(256));                 // 0..255
        INDArray shifted = unsigned.reshape(packed.length, 1).div(WEIGHTS.reshape(1, 8));   // v / 2^(7-k)
        INDArray bits = Transforms.floor(shifted, false).fmodi(2).reshape((long) packed.length * 8);
        return bits.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).mul(2).subi(1).reshape(shape);
    }
}
