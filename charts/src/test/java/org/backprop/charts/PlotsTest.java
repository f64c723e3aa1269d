package org.backprop.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Scores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation charts, the training curves, the decision regions and the weight tiles. */
class PlotsTest {

    @TempDir Path dir;

    private static Scores binary(List<String> names) {
        return Scores.of(new float[] {0.9f, 0.2f, 0.7f, 0.4f}, 1, new int[] {1, 0, 1, 0}, 2, names);
    }

    @Test
    void curvesAreNamedByTheirClasses() {
        assertEquals("yes vs no", Plots.label(binary(List.of("no", "yes")), 1));
        Scores three = Scores.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, new int[] {0, 1, 2}, 3,
                List.of("setosa", "versicolor", "virginica"));
        assertEquals("setosa vs rest", Plots.label(three, 0));
        assertEquals("virginica vs rest", Plots.label(three, 2));
        // no names given: the indices
        assertEquals("1 vs 0", Plots.label(binary(null), 1));
    }

    @Test
    void aRateAxisEndsAtALabelledOne() {
        LinePanel.Axis unit = LinePanel.Axis.linear("rate", 0, 1);
        double[] t = LinePanel.ticks(unit);
        assertEquals(0.0, t[0]);
        assertEquals(1.0, t[t.length - 1], 1e-12);
        assertEquals("1.0", LinePanel.label(unit, t[t.length - 1], t));
        assertEquals("0.0", LinePanel.label(unit, t[0], t));
        LinePanel.Axis zoomed = LinePanel.Axis.linear("rate", 0.9, 1);
        double[] z = LinePanel.ticks(zoomed);
        assertEquals(0.9, z[0], 1e-12);
        assertEquals(1.0, z[z.length - 1], 1e-12);
        assertEquals("1.00", LinePanel.label(zoomed, z[z.length - 1], z));
        LinePanel.Axis log = new LinePanel.Axis("fpr", 1e-4, 1, true, false);
        double[] l = LinePanel.ticks(log);
        assertArrayEquals(new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1}, l, 1e-15);
        assertEquals("0.0001", LinePanel.label(log, l[0], l));
        assertEquals("1", LinePanel.label(log, l[4], l));
    }

    @Test
    void epochTicksAreWholeNumbers() {
        LinePanel.Axis one = new LinePanel.Axis("epoch", 0, 1, false, true);
        assertArrayEquals(new double[] {0, 1}, LinePanel.ticks(one), 0);
    }

    @Test
    void theEvaluationChartsAreWritten() throws Exception {
        Scores s = binary(List.of("no", "yes"));
        Path roc = dir.resolve("roc.png"), pr = dir.resolve("pr.png"), rel = dir.resolve("rel.png");
        Plots.roc(s, "ROC", roc);
        Plots.precisionRecall(s, "PR", pr);
        Plots.reliability(s.calibration(10), "Reliability", rel);
        for (Path p : new Path[] {roc, pr, rel}) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(Plots.WIDTH, img.getWidth(), p.toString());
            assertEquals(Plots.HEIGHT, img.getHeight(), p.toString());
        }
    }

    private static List<EpochStats> epochs(double accuracy) {
        List<EpochStats> es = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            es.add(new EpochStats(e, 3, 1.0 / e, accuracy, 1.1 / e, accuracy, 0.1, 10, null, "test", 0.01, false));
        }
        return es;
    }

    @Test
    void aRegressionsCurvesAreTheLossPanelAlone() throws Exception {
        Path classifier = dir.resolve("c.png"), regression = dir.resolve("r.png"), unmeasured = dir.resolve("u.png");
        Plots.curves(epochs(0.9), "classifier", classifier);
        Plots.curves(epochs(0.9), "regression", true, regression);
        Plots.curves(epochs(Double.NaN), "no accuracy measured", unmeasured);
        assertEquals(2 * Curves.PANEL_WIDTH, ImageIO.read(classifier.toFile()).getWidth());
        assertEquals(Curves.PANEL_WIDTH, ImageIO.read(regression.toFile()).getWidth());
        assertEquals(Curves.PANEL_WIDTH, ImageIO.read(unmeasured.toFile()).getWidth());
    }

    @Test
    void theBenchCurvesAreDrawnByTheSameDrawer() throws Exception {
        Path png = dir.resolve("sub").resolve("bench.png");
        Charts.curves(List.of(new Charts.Epoch(1, 0.5, 0.6, 0.9), new Charts.Epoch(2, 0.3, 0.4, 0.95)), "bench", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(2 * Curves.PANEL_WIDTH, img.getWidth());
        assertEquals(Curves.HEIGHT, img.getHeight());
    }

    @Test
    void decisionRegionsAreShadedByThePredictedClass() throws Exception {
        // class 1 right of x1 = 0, as a single sigmoid unit would say it
        DecisionRegions.Classifier rightIsOne = (xy, rows) -> {
            float[] out = new float[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = xy[2 * i] > 0 ? 0.99f : 0.01f;
            }
            return out;
        };
        Path png = dir.resolve("regions.png");
        DecisionRegions.draw(new float[] {-1, -1, 1, 1}, new int[] {0, 1}, List.of("no", "yes"), 1, rightIsOne,
                "regions", png);
        BufferedImage img = ImageIO.read(png.toFile());
        int y = 56 + DecisionRegions.PLOT / 2 - 40;
        int left = img.getRGB(70 + 20, y), right = img.getRGB(70 + DecisionRegions.PLOT - 20, y);
        // the left is tinted blue (class 0's colour), the right orange (class 1's)
        assertEquals(left & 0xff, Math.max(left & 0xff, Math.max((left >> 8) & 0xff, (left >> 16) & 0xff)));
        assertEquals((right >> 16) & 0xff, Math.max(right & 0xff, Math.max((right >> 8) & 0xff, (right >> 16) & 0xff)));
        assertNotEquals(left, right);
        assertThrows(IllegalArgumentException.class, () -> DecisionRegions.draw(new float[] {1, 2, 3}, new int[] {0, 1},
                List.of("a", "b"), 1, rightIsOne, "t", dir.resolve("x.png")));
    }

    @Test
    void weightTilesAreBlueForNegativeAndRedForPositive() throws Exception {
        assertEquals(28, WeightTiles.side(784));
        assertEquals(-1, WeightTiles.side(10));
        assertEquals(0xffffff, WeightTiles.diverging(0));
        assertEquals(0x2166ac, WeightTiles.diverging(-1));
        assertEquals(0xb2182b, WeightTiles.diverging(2));
        Path png = dir.resolve("w.png");
        WeightTiles.draw(new float[784 * 16], 784, 16, "weights", png);
        // 16 units: 4 tiles of 56 pixels a row, on a canvas at least 640 wide
        assertEquals(640, ImageIO.read(png.toFile()).getWidth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightTiles.draw(new float[20], 10, 2, "t", dir.resolve("y.png")));
        assertEquals("weight tiles show a square image's pixels (784 for MNIST); this layer takes 10 inputs", e.getMessage());
    }
}
