package dev.condense.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RelativeIndexTest {

    /** Deep Compression's figure 3: 3-bit gaps, a run of zeros longer than 7 takes a filler zero. */
    @Test
    void aGapWiderThanTheIndexTakesAFiller() {
        int[] flat = new int[20];
        java.util.Arrays.fill(flat, -1);
        flat[1] = 0;
        flat[4] = 2;
        flat[15] = 1;
        RelativeIndex r = RelativeIndex.encode(flat, 3, 3);
        assertArrayEquals(new int[] {1, 2, 7, 2}, r.gaps());
        assertArrayEquals(new int[] {0, 2, 3, 1}, r.values());
        assertEquals(1, r.fillers());
        assertArrayEquals(flat, r.decode());
    }

    @Test
    void roundTripsSparseAndDenseTensors() {
        Random random = new Random(11);
        for (double density : new double[] {0.0, 0.02, 0.3, 1.0}) {
            int[] flat = new int[3_000];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = random.nextDouble() < density ? random.nextInt(5) : -1;
            }
            for (int bits : new int[] {1, 4, 8}) {
                assertArrayEquals(flat, RelativeIndex.encode(flat, 5, bits).decode(), "density " + density);
            }
        }
    }

    @Test
    void entriesPastTheEndAreACodecError() {
        RelativeIndex r = new RelativeIndex(4, 3, 2, new int[] {1, 3}, new int[] {0, 1});
        assertThrows(CodecException.class, r::decode);
        assertThrows(IllegalArgumentException.class, () -> new RelativeIndex(4, 17, 2, new int[0], new int[0]));
    }
}
