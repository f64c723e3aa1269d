package org.backprop.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ChartsTest {

    @TempDir Path dir;

    private static Charts.XYPanel panel(double... xs) {
        Charts.Series ours = new Charts.Series("ours");
        for (double x : xs) {
            ours.add(x, 100 + x / 100);
        }
        return new Charts.XYPanel("t", "n", "GFLOP/s", List.of(ours), List.of(new Charts.Line("peak", 450)));
    }

    @Test
    void aLog2AxisLabelsEveryPowerOfTwoAndNothingBetween() {
        assertEquals("64", Charts.powerOfTwoLabel(6.0));
        assertEquals("1,024", Charts.powerOfTwoLabel(10.0));
        assertEquals("4,096", Charts.powerOfTwoLabel(12.0));
        assertEquals("", Charts.powerOfTwoLabel(10.5));
        assertEquals("", Charts.powerOfTwoLabel(9.8));
    }

    @Test
    void sizesFrom64To4096GetALog2AxisWithWholePowersAtBothEnds() {
        XYChart c = Charts.xy(panel(64, 256, 1024, 4096));
        assertNotNull(c.getStyler().getxAxisTickLabelsFormattingFunction());
        assertEquals(5.0, c.getStyler().getXAxisMin());
        assertEquals(13.0, c.getStyler().getXAxisMax());
        XYSeries s = c.getSeriesMap().get("ours");
        assertEquals(6.0, s.getXData()[0], 1e-12);
        assertEquals(12.0, s.getXData()[3], 1e-12);
    }

    @Test
    void aSinglePointIsAMarkerAndThePeakLineSpansTheAxis() {
        XYChart c = Charts.xy(panel(256));
        XYSeries s = c.getSeriesMap().get("ours");
        assertNotNull(s.getMarker());
        assertTrue(c.getStyler().getXAxisMax() > c.getStyler().getXAxisMin());
        XYSeries peak = c.getSeriesMap().get("peak");
        assertEquals(c.getStyler().getXAxisMin(), peak.getXData()[0]);
        assertEquals(c.getStyler().getXAxisMax(), peak.getXData()[1]);
    }

    @Test
    void sizesThatDoNotDoubleStayOnALinearAxis() {
        XYChart c = Charts.xy(panel(100, 150));
        assertNull(c.getStyler().getxAxisTickLabelsFormattingFunction());
    }

    @Test
    void panelsAreWrittenAsOnePng() throws Exception {
        Path png = dir.resolve("sub").resolve("gemm.png");
        Charts.xyPanels(List.of(panel(64, 256), panel(256)), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1440, img.getWidth());
    }
}
