package org.backprop.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Scores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

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

    /** Whether any pixel in the box is dark (text, a tick mark, the frame, the first palette colour). */
    private static boolean ink(BufferedImage img, double x0, double x1, double y0, double y1) {
        for (int y = (int) Math.floor(y0); y <= (int) Math.ceil(y1); y++) {
            for (int x = (int) Math.floor(x0); x <= (int) Math.ceil(x1); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 140 && ((rgb >> 8) & 0xff) < 140 && (rgb & 0xff) < 190) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The pixels between an axis end and the frame: XChart lays the data over plotContentSize of the plot. */
    private static double margin(XYChart c, double endToEnd) {
        double p = c.getStyler().getPlotContentSize();
        return Math.abs(endToEnd) * (1 - p) / (2 * p);
    }

    /** Whether a y-axis tick label sits at {@code v}: ink left of the frame on that row. */
    private static boolean yLabel(XYChart c, BufferedImage img, double v) {
        double lo = c.getScreenXFromChart(c.getStyler().getXAxisMin()), hi = c.getScreenXFromChart(c.getStyler().getXAxisMax());
        double y = c.getScreenYFromChart(v), left = lo - margin(c, hi - lo);
        return ink(img, left - 40, left - 8, y - 1, y + 1);
    }

    /** Whether an x-axis tick label sits at {@code v}: ink below the frame in that column. */
    private static boolean xLabel(XYChart c, BufferedImage img, double v) {
        double lo = c.getScreenYFromChart(c.getStyler().getYAxisMin()), hi = c.getScreenYFromChart(c.getStyler().getYAxisMax());
        double x = c.getScreenXFromChart(v), bottom = lo + margin(c, hi - lo);
        return ink(img, x - 1, x + 1, bottom + 8, bottom + 22);
    }

    /** 7 negatives and 5 positives: every rate on the curve is a multiple of 1/7 or 1/5. */
    private static Scores sevenAndFive() {
        float[] p = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.35f, 0.55f, 0.65f, 0.8f, 0.9f};
        int[] y = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        return Scores.of(p, 1, y, 2, List.of("no", "yes"));
    }

    @Test
    void aRateAxisEndsAtALabelledOne() {
        Scores s = sevenAndFive();
        for (XYChart c : List.of(Plots.rocChart(s, "roc"), Plots.precisionRecallChart(s, "pr"),
                Plots.reliabilityChart(s.calibration(10), "rel"))) {
            assertEquals(0.0, c.getStyler().getXAxisMin());
            assertEquals(1.0, c.getStyler().getXAxisMax());
            assertEquals(0.0, c.getStyler().getYAxisMin());
            assertEquals(1.0, c.getStyler().getYAxisMax());
            assertEquals("0.0", c.getStyler().getYAxisDecimalPattern());
            BufferedImage img = BitmapEncoder.getBufferedImage(c);
            // the frame's top edge is at most 3 pixels above the 1.0 line, nothing drawn above it
            double top = c.getScreenYFromChart(1.0), x0 = c.getScreenXFromChart(0.85), x1 = c.getScreenXFromChart(0.95);
            double frame = top - margin(c, c.getScreenYFromChart(0) - top);
            assertTrue(top - frame <= 3, c.getTitle() + " " + (top - frame));
            assertTrue(ink(img, x0, x1, frame - 1, frame + 1), c.getTitle());
            assertEquals(-1, img.getRGB((int) x0, (int) frame - 4), c.getTitle());
            // both ends labelled, round ticks between, none on the data's own 1/7 or 1/5 steps
            for (double v : new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}) {
                assertTrue(yLabel(c, img, v), c.getTitle() + " y " + v);
                assertTrue(xLabel(c, img, v), c.getTitle() + " x " + v);
            }
            for (double v : new double[] {0.1, 0.3, 0.5, 0.7, 0.9}) {
                assertFalse(yLabel(c, img, v), c.getTitle() + " y " + v);
                assertFalse(xLabel(c, img, v), c.getTitle() + " x " + v);
            }
        }
    }

    @Test
    void aZoomedOrLogAxisStillEndsAtOne() {
        Scores perfect = Scores.of(new float[] {0.9f, 0.1f, 0.8f, 0.2f}, 1, new int[] {1, 0, 1, 0}, 2, List.of("no", "yes"));
        XYChart pr = Plots.precisionRecallChart(perfect, "pr");
        assertEquals(0.9, pr.getStyler().getXAxisMin());
        assertEquals(1.0, pr.getStyler().getXAxisMax());
        assertEquals("0.00", pr.getStyler().getXAxisDecimalPattern());
        BufferedImage img = BitmapEncoder.getBufferedImage(pr);
        assertTrue(xLabel(pr, img, 0.9));
        assertTrue(xLabel(pr, img, 1.0));
        Scores three = Scores.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, new int[] {0, 1, 2}, 3,
                List.of("setosa", "versicolor", "virginica"));
        XYChart roc = Plots.rocChart(three, "roc");
        assertTrue(roc.getStyler().isXAxisLogarithmic());
        assertEquals(1e-4, roc.getStyler().getXAxisMin());
        assertEquals(1.0, roc.getStyler().getXAxisMax());
        img = BitmapEncoder.getBufferedImage(roc);
        for (double v : new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1}) {
            assertTrue(xLabel(roc, img, v), "fpr " + v);
        }
        assertTrue(roc.getSeriesMap().containsKey("setosa vs rest (AUC 1.0000)"));
    }

    @Test
    void epochTicksAreWholeNumbers() {
        List<Curves.Epoch> one = List.of(new Curves.Epoch(1, 0.5, 0.9, 0.6, 0.85));
        for (XYChart c : Curves.panels(one, Curves.Layout.classifier("test"), "one epoch")) {
            BufferedImage img = BitmapEncoder.getBufferedImage(c);
            assertTrue(xLabel(c, img, 0));
            assertTrue(xLabel(c, img, 1));
            assertFalse(xLabel(c, img, 0.25));
            assertFalse(xLabel(c, img, 0.75));
        }
        List<Curves.Epoch> many = new ArrayList<>();
        for (int e = 1; e <= 37; e++) {
            many.add(new Curves.Epoch(e, 1.0 / e, 0.9, 1.1 / e, 0.85));
        }
        XYChart loss = Curves.panels(many, Curves.Layout.regression("validation"), "37 epochs").get(0);
        BufferedImage img = BitmapEncoder.getBufferedImage(loss);
        // round ticks (every 5 or 10 epochs), not every k-th epoch counted from 1
        assertTrue(xLabel(loss, img, 0));
        assertTrue(xLabel(loss, img, 10));
        assertTrue(xLabel(loss, img, 30));
        assertFalse(xLabel(loss, img, 37));
    }

    @Test
    void lossTicksShareTheirDecimals() {
        assertEquals("0.0", Curves.decimals(1.26));
        assertEquals("0.00", Curves.decimals(0.0525));
        assertEquals("#,##0", Curves.decimals(28));
    }

    @Test
    void aLongLegendGoesOneEntryARowAndAShortOneStaysInARowBelow() {
        XYChart two = Plots.rocChart(binary(List.of("no", "yes")), "roc");
        assertEquals(Styler.LegendLayout.Horizontal, two.getStyler().getLegendLayout());
        List<String> names = new ArrayList<>();
        float[] p = new float[100];
        int[] y = new int[10];
        for (int k = 0; k < 10; k++) {
            names.add("a rather long class name " + k);
            y[k] = k;
            p[11 * k] = 1;
        }
        XYChart ten = Plots.rocChart(Scores.of(p, 10, y, 10, names), "roc");
        assertEquals(Styler.LegendLayout.Vertical, ten.getStyler().getLegendLayout());
        assertEquals(Styler.LegendPosition.OutsideE, ten.getStyler().getLegendPosition());
        XYChart rel = Plots.reliabilityChart(binary(List.of("no", "yes")).calibration(10), "reliability of a model");
        assertEquals(Styler.LegendPosition.OutsideS, rel.getStyler().getLegendPosition());
        assertTrue(ten.getSeriesMap().containsKey("a rather long class name 9 vs rest (AUC 1.0000)"));
        // the narrower plot beside the legend still labels both ends of its log axis
        BufferedImage img = BitmapEncoder.getBufferedImage(ten);
        assertTrue(xLabel(ten, img, 1e-4));
        assertTrue(xLabel(ten, img, 1));
    }

    @Test
    void aLegendEntryWiderThanTheChartIsWrapped() {
        java.awt.FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(Style.LEGEND);
        String wrapped = Style.wrap(fm, "model, 10 bins (samples per non-empty bin: 59, 54, 65, 53, 69)", 200);
        assertTrue(wrapped.contains("\n"), wrapped);
        for (String line : wrapped.split("\n")) {
            assertTrue(fm.stringWidth(line) <= 200, line);
        }
        assertEquals("short", Style.wrap(fm, "short", 200));
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
