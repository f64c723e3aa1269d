package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EvaluationTest {

    /**
     * The deck's worked example: 22 dogs-or-not, 12 actual positives, 8 predicted positives of
     * which 5 are right. Rows are true classes, columns predictions: TN 7, FP 3, FN 7, TP 5.
     */
    private static final Evaluation DECK = new Evaluation(0.3, new long[][] {{7, 3}, {7, 5}});

    @Test
    void theDecksPrecisionRecallAndPrevalence() {
        assertEquals(22, DECK.total());
        assertEquals(5.0 / 8, DECK.precision(1), 1e-15);
        assertEquals(5.0 / 12, DECK.recall(1), 1e-15);
        assertEquals(12.0 / 22, DECK.prevalence(1), 1e-15);
        assertEquals(12.0 / 22, DECK.accuracy(), 1e-15); // 7 + 5 right of 22
    }

    /** F1 = 2PR/(P + R) = 2·(5/8)(5/12)/(5/8 + 5/12) = 1/2, and 2TP/(2TP + FP + FN) = 10/20 agrees. */
    @Test
    void f1IsTheHarmonicMeanOfPrecisionAndRecall() {
        double p = DECK.precision(1), r = DECK.recall(1);
        assertEquals(2 * p * r / (p + r), DECK.f1(1), 1e-15);
        assertEquals(0.5, DECK.f1(1), 1e-15);
        assertEquals(14.0 / 24, DECK.f1(0), 1e-15); // class 0: TP 7, FP 7, FN 3
        assertEquals((0.5 + 14.0 / 24) / 2, DECK.macroF1(), 1e-15);
    }

    @Test
    void undefinedRatiosAreNaNAndLeftOutOfTheMacroMean() {
        Evaluation e = new Evaluation(0, new long[][] {{4, 0, 0}, {1, 2, 0}, {0, 0, 0}});
        assertTrue(Double.isNaN(e.precision(2)) && Double.isNaN(e.recall(2)) && Double.isNaN(e.f1(2)));
        assertEquals((8.0 / 9 + 0.8) / 2, e.macroF1(), 1e-15);
    }

    @Test
    void ofBuildsTheMatrixFromArgmaxAndTheSigmoidThreshold() {
        Evaluation soft = Evaluation.of(0, new float[] {0.1f, 0.9f, 0.8f, 0.2f, 0.4f, 0.6f}, 2, new int[] {1, 1, 0}, 2);
        assertArrayEquals(new long[] {0, 1}, soft.confusion()[0]);
        assertArrayEquals(new long[] {1, 1}, soft.confusion()[1]);
        Evaluation one = Evaluation.of(0, new float[] {0.5f, 0.49f}, 1, new int[] {1, 0}, 2);
        assertEquals(1.0, one.accuracy(), "0.5 counts as positive, 0.49 as negative");
    }

    @Test
    void theReportShowsF1AndTheMacroMean() {
        String r = DECK.report();
        assertTrue(r.contains("precision  recall      F1"), r);
        assertTrue(r.contains("0.6250  0.4167  0.5000"), r);
        assertTrue(r.contains("macro F1 0.5417"), r);
    }

    @Test
    void theReportGivesAccuracyAsAPercentageAndNotApplicableForAClassNeverPredicted() {
        // three samples, all predicted class 0: class 1's precision is 0/0
        Evaluation e = new Evaluation(0.5, new long[][] {{2, 0}, {1, 0}});
        assertTrue(Double.isNaN(e.precision(1)));
        String r = e.report(java.util.List.of("healthy", "disease"));
        assertTrue(r.contains("accuracy 66.67% over 3 samples"), r);
        assertTrue(r.matches("(?s).*\\ndisease +1 +0 +n/a +0\\.0000 +0\\.0000\\n.*"), r);
        assertTrue(!r.contains("NaN"), r);
    }
}
