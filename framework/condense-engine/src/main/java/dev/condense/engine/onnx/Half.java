package dev.condense.engine.onnx;

/**
 * IEEE 754 binary16 bit patterns of float values (Java 17 has no {@code Float.floatToFloat16}), for FLOAT16
 * initializers and float16 codebooks in {@code model.cz}. Rounds to nearest, ties to even; overflow gives infinity;
 * NaN stays a (quiet) NaN. {@link #toFloat} is exact: every binary16 value is a float32 value.
 */
public final class Half {
    private Half() {
    }

    /** The binary16 bits of {@code f}. */
    public static short bits(float f) {
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

    /** The float32 value of the binary16 bits {@code h} (exact). */
    public static float toFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) { // zero or subnormal: mant x 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** {@code f} rounded to the nearest binary16 value, as float32. */
    public static float round(float f) {
        return toFloat(bits(f));
    }
}
