package org.backprop.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhiloxTest {

    /** Random123's kat_vectors for philox4x32 10: counter (4 words), key (2 words), the 4 output words. */
    @ParameterizedTest
    @CsvSource({
        "00000000 00000000 00000000 00000000 00000000 00000000 6627e8d5 e169c58d bc57ac4c 9b00dbd8",
        "ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff 408f276d 41c83b0e a20bc7c6 6d5451fd",
        "243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0 d16cfe09 94fdcceb 5001e420 24126ea1",
    })
    void matchesTheRandom123KnownAnswers(String line) {
        String[] w = line.trim().split("\\s+");
        int[] v = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            v[i] = Integer.parseUnsignedInt(w[i], 16);
        }
        int[] out = Philox.block(v[0], v[1], v[2], v[3], v[4], v[5]);
        assertArrayEquals(new int[] {v[6], v[7], v[8], v[9]}, out);
    }

    /** keptBits, the CPU's allocation-free form, against the block's four words compared one by one. */
    @Test
    void keptBitsAreTheBlocksWordsAgainstTheThreshold() {
        Random r = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            long seed = r.nextLong();
            int step = r.nextInt(), layer = r.nextInt(8), row = r.nextInt(4096), group = r.nextInt(1024);
            long threshold = r.nextLong() >>> 32;
            int[] w = Philox.block(group, row, step, layer, (int) seed, (int) (seed >>> 32));
            int bits = Philox.keptBits(seed, step, layer, row, group, threshold);
            for (int k = 0; k < 4; k++) {
                assertEquals(Integer.toUnsignedLong(w[k]) >= threshold, (bits >>> k & 1) != 0, "word " + k);
                assertEquals(Integer.toUnsignedLong(w[k]) >= threshold, Philox.kept(seed, step, layer, row, 4 * group + k, threshold));
            }
        }
    }

    @Test
    void thresholdAndScaleFollowTheRate() {
        assertEquals(0L, Philox.dropThreshold(0f));
        assertEquals(1L << 31, Philox.dropThreshold(0.5f));
        assertEquals(2f, Philox.dropScale(0.5f));
        assertThrows(IllegalArgumentException.class, () -> Philox.dropThreshold(1f));
        assertThrows(IllegalArgumentException.class, () -> Philox.dropThreshold(Float.NaN));
    }
}
