package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetScalingTest {

    @Test
    void fitTakesTheMeanAndPopulationStd() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population std 2 (worked by hand)
        TargetScaling s = TargetScaling.fit(new float[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertEquals(5.0, s.mean(), 0);
        assertEquals(2.0, s.std(), 0);
    }

    @Test
    void applyStandardisesAndUndoRestores() {
        Dataset d = Dataset.regression("t", new float[] {0, 1, 2, 3}, new float[] {150, 250, 50, 350}, 1);
        TargetScaling s = TargetScaling.fit(d.values());
        Dataset scaled = s.apply(d);
        float[] v = scaled.values().clone();
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        assertEquals(0, sum, 1e-6);
        s.undo(v);
        assertArrayEquals(new float[] {150, 250, 50, 350}, v, 1e-4f);
        assertArrayEquals(d.features(), scaled.features());
    }

    @Test
    void constantTargetsAreOnlyCentred() {
        assertEquals(1.0, TargetScaling.fit(new float[] {3, 3, 3}).std(), 0);
    }

    @Test
    void metadataRoundTrips() {
        Map<String, String> m = new HashMap<>();
        assertNull(TargetScaling.from(m));
        new TargetScaling(152.13, 77.09).writeTo(m);
        assertEquals(new TargetScaling(152.13, 77.09), TargetScaling.from(m));
        m.put(TargetScaling.STD_KEY, "-1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetScaling.from(m));
        assertTrue(e.getMessage().contains("positive std"), e.getMessage());
    }

    @Test
    void classesAreRefused() {
        Dataset d = new Dataset("c", new float[] {0, 1}, new int[] {0, 1}, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> TargetScaling.fit(new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new TargetScaling(0, 1).apply(d));
    }
}
