package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoresTest {

    // one sigmoid output; positives score 0.95, 0.85, 0.65 and negatives 0.75, 0.55, 0.35
    // (each mid-bin, so no float rounding moves one across a calibration bin edge)
    private static final float[] P = {0.95f, 0.85f, 0.75f, 0.65f, 0.55f, 0.35f};
    private static final int[] Y = {1, 1, 0, 1, 0, 0};

    /** AUC is the share of (positive, negative) pairs ranked right: 3 + 3 + 2 of 9. */
    @Test
    void rocAreaIsTheShareOfPairsRankedRight() {
        Scores.Curve roc = Scores.of(P, 1, Y, 2).roc(1);
        assertEquals(8.0 / 9, roc.area(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1}, roc.x(), 1e-12);
        assertArrayEquals(new double[] {0, 1 / 3.0, 2 / 3.0, 2 / 3.0, 1, 1, 1}, roc.y(), 1e-12);
    }

    /** Average precision: the precision at each positive, 1/1, 2/2 and 3/4, averaged. */
    @Test
    void averagePrecisionIsThePrecisionAtEachPositive() {
        Scores.Curve pr = Scores.of(P, 1, Y, 2).precisionRecall(1);
        assertEquals((1 + 1 + 0.75) / 3, pr.area(), 1e-12);
        assertEquals(1.0, pr.x()[pr.x().length - 1], 1e-12);
        assertEquals(0.5, pr.y()[pr.y().length - 1], 1e-12, "at the lowest threshold everything is predicted positive");
    }

    @Test
    void tiedScoresMoveTogether() {
        Scores s = Scores.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 1, new int[] {1, 0, 1, 0}, 2);
        assertEquals(0.5, s.roc(1).area(), 1e-12);
        assertEquals(2, s.roc(1).x().length, "one threshold between the start and the end");
        assertEquals(0.5, s.precisionRecall(1).area(), 1e-12);
    }

    /** Softmax outputs: class k against the rest, and the macro mean of the areas. */
    @Test
    void oneVersusRestForSeveralClasses() {
        float[] p = {
            0.7f, 0.2f, 0.1f,
            0.1f, 0.8f, 0.1f,
            0.2f, 0.2f, 0.6f,
            0.5f, 0.15f, 0.35f};
        int[] y = {0, 1, 2, 1};
        Scores s = Scores.of(p, 3, y, 3);
        assertEquals(1.0, s.roc(0).area(), 1e-12);  // class 0 scores 0.7 vs 0.1, 0.2, 0.5
        assertEquals(0.5, s.roc(1).area(), 1e-12);  // positives 0.8, 0.15 vs 0.2, 0.2: 2 of 4 pairs
        assertEquals(1.0, s.roc(2).area(), 1e-12);  // 0.6 vs 0.1, 0.1, 0.35
        assertEquals((1 + 0.5 + 1) / 3, s.macroAuc(), 1e-12);
    }

    /**
     * Top-label confidences: 0.95, 0.85 right; 0.75 and 0.55 wrong (negatives predicted positive);
     * 0.65 right, and 0.65 = 1 − 0.35 right (a negative predicted negative). Bins [0.5, 0.6) holds
     * one wrong, [0.6, 0.7) two right, [0.7, 0.8) one wrong, [0.8, 0.9) and [0.9, 1] one right each.
     */
    @Test
    void expectedCalibrationErrorByHand() {
        Scores.Calibration c = Scores.of(P, 1, Y, 2).calibration(10);
        assertEquals(1, c.count()[5]);
        assertEquals(2, c.count()[6]);
        assertEquals(0.0, c.accuracy()[7], 1e-12);
        assertEquals(1.0, c.accuracy()[6], 1e-12);
        assertTrue(Double.isNaN(c.confidence()[0]), "empty bins are NaN");
        double ece = (Math.abs(0 - 0.55) + 2 * Math.abs(1 - 0.65) + Math.abs(0 - 0.75)
                + Math.abs(1 - 0.85) + Math.abs(1 - 0.95)) / 6;
        assertEquals(ece, c.ece(), 1e-6);
    }

    @Test
    void perfectlyCalibratedConfidenceHasNoError() {
        // 10 rows at confidence 0.8 of which 8 are right
        float[] p = new float[10];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            p[i] = 0.8f;
            y[i] = i < 8 ? 1 : 0;
        }
        assertEquals(0.0, Scores.of(p, 1, y, 2).calibration(10).ece(), 1e-6);
    }

    @Test
    void mismatchedSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Scores.of(new float[5], 2, new int[3], 2));
        assertThrows(IllegalArgumentException.class, () -> Scores.of(P, 1, Y, 2).roc(2));
    }
}
