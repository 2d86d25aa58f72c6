package dev.condense.engine.codec;

import dev.condense.api.quant.BitPacking;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A binarized weight's codes in {@code model.cz} (XNOR-Net, Rastegari et al. 2016): one bit per code, +1 or -1
 * ({@link BitPacking}), 32 times fewer bytes than float32. The codes are the int8 initializer that the ONNX skeleton's
 * {@code DequantizeLinear} reads (its per-channel float32 scales stay in the skeleton), so decoding writes them back
 * as int8 bytes 1 and -1, bit for bit the exported ones.
 *
 * @param name   the int8 code initializer's name in the skeleton (e.g. {@code conv2.weight.quantized})
 * @param shape  its shape
 * @param packed {@code ceil(n / 8)} bytes for its {@code n} codes
 */
public record SignLayer(String name, long[] shape, byte[] packed) {

    public SignLayer {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (packed.length != BitPacking.packedBytes(n)) {
            throw new CodecException(name + ": " + packed.length + " bytes cannot hold the " + n + " signs of "
                    + Arrays.toString(shape));
        }
    }

    /**
     * The layer of {@code codes}, which must all be +1 or -1.
     *
     * @throws CodecException naming the layer if a code is neither
     */
    public static SignLayer of(String name, INDArray codes) {
        INDArray f = codes.castTo(DataType.FLOAT);
        if (f.length() > 0 && abs(f).neq(1).castTo(DataType.INT64).sumNumber().longValue() != 0) {
            throw new CodecException(name + ": a binary layer's codes are +1 and -1 only");
        }
        return new SignLayer(name, codes.shape(), BitPacking.pack(f));
    }

    /** The codes as int8 bytes, 1 or -1, in C order: the initializer's {@code raw_data}. */
    public byte[] int8() {
        long[] codes = BitPacking.unpack(packed, shape).castTo(DataType.INT64).data().asLong();
        byte[] out = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) { // serialization, as the ONNX writer's INT8 case
            out[i] = (byte) codes[i];
        }
        return out;
    }

    /** Elements of the tensor. */
    public long length() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    private static INDArray abs(INDArray a) {
        return org.nd4j.linalg.ops.transforms.Transforms.abs(a, true);
    }
}
