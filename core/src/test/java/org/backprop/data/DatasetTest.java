package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** Row i has features {i, 10i} and label i % 3. */
    private static Dataset table(int n) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i % 3;
        }
        return new Dataset("t", x, y, 2, 3);
    }

    @Test
    void oneHotHasASingleOnePerRow() {
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0}, table(4).oneHot());
    }

    @Test
    void oneUnitTargetsAreTheBinaryLabel() {
        Dataset d = new Dataset("b", new float[3], new int[] {0, 1, 1}, 1, 2);
        assertArrayEquals(new float[] {0, 1, 1}, d.targets(1));
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1}, d.targets(2));
        assertThrows(IllegalArgumentException.class, () -> table(3).targets(1));
    }

    @Test
    void subsetCopiesRowsInOrder() {
        Dataset s = table(5).subset(new int[] {4, 1, 4});
        assertArrayEquals(new float[] {4, 40, 1, 10, 4, 40}, s.features());
        assertArrayEquals(new int[] {1, 1, 1}, s.labels());
        assertThrows(IllegalArgumentException.class, () -> table(5).subset(new int[] {5}));
    }

    @Test
    void takeKeepsTheFirstRows() {
        assertEquals(2, table(5).take(2).size());
        assertEquals(5, table(5).take(9).size());
    }

    @Test
    void splitIsASeededPartition() {
        Dataset d = table(50);
        Dataset.Split a = d.split(0.2, 7);
        Dataset.Split b = d.split(0.2, 7);
        assertEquals(10, a.test().size());
        assertEquals(40, a.train().size());
        assertArrayEquals(a.test().features(), b.test().features());
        assertNotEquals(Arrays.toString(a.test().features()), Arrays.toString(d.split(0.2, 8).test().features()));
        Set<Float> seen = new HashSet<>();
        for (Dataset part : new Dataset[] {a.train(), a.test()}) {
            for (int i = 0; i < part.size(); i++) {
                seen.add(part.features()[2 * i]);
            }
        }
        assertEquals(50, seen.size());
    }

    @Test
    void splitRejectsBadFractions() {
        assertThrows(IllegalArgumentException.class, () -> table(5).split(0, 1));
        assertThrows(IllegalArgumentException.class, () -> table(5).split(1, 1));
        assertThrows(IllegalArgumentException.class, () -> table(1).split(0.5, 1));
    }

    @Test
    void constructorRejectsInconsistentArrays() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new float[5], new int[2], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new float[4], new int[] {0, 2}, 2, 2));
    }
}
