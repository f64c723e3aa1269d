package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StandardizerTest {

    @Test
    void trainingFeaturesGetZeroMeanUnitStd() {
        Dataset train = new Dataset("t", new float[] {1, 5, 3, 5, 5, 5}, new int[] {0, 1, 0}, 2, 2);
        Standardizer s = Standardizer.fit(train);
        assertArrayEquals(new float[] {3, 5}, s.mean(), 0f);
        float std = (float) Math.sqrt(8.0 / 3);
        // exact up to one float rounding of (x − mean)/std
        assertArrayEquals(new float[] {-2 / std, 0, 0, 0, 2 / std, 0}, s.apply(train).features(), 1e-6f);
    }

    @Test
    void testSetUsesTrainingStatistics() {
        Dataset train = new Dataset("t", new float[] {0, 2}, new int[] {0, 1}, 1, 2);
        Dataset test = new Dataset("u", new float[] {4}, new int[] {1}, 1, 2);
        assertEquals(3f, Standardizer.fit(train).apply(test).features()[0], 0f);
    }
}
