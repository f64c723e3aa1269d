package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticTest {

    @ParameterizedTest
    @ValueSource(strings = {"xor", "circles", "moons"})
    void seededBalancedAndTwoDimensional(String name) {
        Dataset a = Synthetic.generate(name, 301, 7);
        assertEquals(301, a.size());
        assertEquals(2, a.featureCount());
        assertEquals(2, a.classes());
        long ones = java.util.Arrays.stream(a.labels()).filter(l -> l == 1).count();
        assertEquals(150, ones);
        assertArrayEquals(a.features(), Synthetic.generate(name, 301, 7).features(), "same seed, same points");
        assertTrue(!java.util.Arrays.equals(a.features(), Synthetic.generate(name, 301, 8).features()));
    }

    /** XOR's class is the sign disagreement of the coordinates: at σ 0.2 from (±1, ±1) no point crosses an axis. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void xorLabelsAreTheSignDisagreement(int seed) {
        Dataset d = Synthetic.generate("xor", 1000, seed);
        float[] f = d.features();
        for (int i = 0; i < d.size(); i++) {
            int expected = (f[2 * i] > 0) != (f[2 * i + 1] > 0) ? 1 : 0;
            assertEquals(expected, d.labels()[i], "point " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"spiral"})
    void unknownNamesAreRejected(String name) {
        assertThrows(IllegalArgumentException.class, () -> Synthetic.generate(name, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.generate("xor", 1, 1));
    }
}
