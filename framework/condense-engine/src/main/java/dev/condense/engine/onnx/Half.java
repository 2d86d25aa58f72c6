package dev.condense.engine.onnx;

/**
 * IEEE 754 binary16 bit patterns of float values (Java 17 has no {@code Float.floatToFloat16}), for FLOAT16
 * initializers. Rounds to nearest, ties to even; overflow gives infinity; NaN stays a (quiet) NaN.
 */
final class Half {
    private Half() {
    }

    /** The binary16 bits of {@code f}. */
    static short bits(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = (x >>> 23) & 0xff;
        int mant = x & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(m, shift));
        }
        int rounded = roundShift((e << 23) | mant, 13);
        return (short) (sign | rounded); // a carry out of the mantissa correctly bumps the exponent (to inf at most)
    }

    /** {@code v >> shift}, rounded to nearest with ties to even. */
    private static int roundShift(int v, int shift) {
        int q = v >>> shift;
        int rem = v & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (q & 1) == 1)) {
            q++;
        }
        return q;
    }
}
