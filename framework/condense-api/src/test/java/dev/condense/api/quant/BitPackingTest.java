package dev.condense.api.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class BitPackingTest {

    @Test
    void plantedCodesPackMostSignificantBitFirst() {
        // + - + + - - - +  | +  -> 1011 0001 | 1000 0000
        INDArray codes = Nd4j.createFromArray(1f, -1f, 1f, 1f, -1f, -1f, -1f, 1f, 1f);
        assertArrayEquals(new byte[] {(byte) 0b1011_0001, (byte) 0b1000_0000}, BitPacking.pack(codes));
    }

    @Test
    void zeroCountsAsPlusOneAndAnyNumericTypePacks() {
        INDArray codes = Nd4j.createFromArray(new byte[] {0, -1, 1, -1, 0, 0, 0, 0});
        assertArrayEquals(new byte[] {(byte) 0b1010_1111}, BitPacking.pack(codes));
        assertArrayEquals(new byte[] {(byte) 0xFF}, BitPacking.pack(Nd4j.ones(DataType.DOUBLE, 2, 4)));
        assertArrayEquals(new byte[] {0}, BitPacking.pack(Nd4j.ones(DataType.FLOAT, 8).negi()));
    }

    @Test
    void roundTripRestoresTheSignsAndTheShape() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(11), new long[] {3, 5, 7})
                .castTo(DataType.FLOAT);
        INDArray signs = Transforms.sign(x, true);
        byte[] packed = BitPacking.pack(signs);
        assertEquals(14, packed.length, "105 codes take ceil(105 / 8) = 14 bytes");
        INDArray back = BitPacking.unpack(packed, 3, 5, 7);
        assertArrayEquals(new long[] {3, 5, 7}, back.shape());
        assertEquals(signs, back);
        assertArrayEquals(packed, BitPacking.pack(back));
    }

    @Test
    void thirtyTwoTimesSmallerThanFloat32ForWholeBytes() {
        INDArray w = Nd4j.rand(DataType.FLOAT, 50, 20, 5, 5).subi(0.5);
        assertEquals(4 * w.length() / 32, BitPacking.pack(w).length);
        assertEquals(0, BitPacking.packedBytes(0));
        assertEquals(1, BitPacking.packedBytes(1));
        assertEquals(2, BitPacking.packedBytes(9));
    }

    @Test
    void aWrongByteCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BitPacking.unpack(new byte[3], 2, 8));
        assertThrows(IllegalArgumentException.class, () -> BitPacking.unpack(new byte[1], 9));
    }
}
