package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.backprop.nn.InvalidSetting;
import org.junit.jupiter.api.Test;

class DeformationTest {

    private static final float[] THREE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] warp(float[] src, int side, float theta, float gx, float gy, float tx, float ty) {
        float[] dst = new float[src.length];
        Deformation.warp(src, 0, dst, 0, side, theta, gx, gy, tx, ty, null, 0);
        return dst;
    }

    @Test
    void identityParametersCopyTheImage() {
        assertArrayEquals(THREE, warp(THREE, 3, 0f, 1f, 1f, 0f, 0f), 0f);
    }

    @Test
    void aShiftOfOnePixelMovesTheImageRightAndFillsWithBackground() {
        // dst(x, y) = src(x − 1, y): the left column is outside the source, so 0
        assertArrayEquals(new float[] {0, 1, 2, 0, 4, 5, 0, 7, 8}, warp(THREE, 3, 0f, 1f, 1f, 1f, 0f), 0f);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 4, 5, 6}, warp(THREE, 3, 0f, 1f, 1f, 0f, 1f), 0f);
    }

    @Test
    void aHalfPixelShiftAveragesNeighbours() {
        // dst(x, y) = src(x − 0.5, y) = (src(x − 1) + src(x))/2, 0 to the left of the image
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 2f, 4.5f, 5.5f, 3.5f, 7.5f, 8.5f},
                warp(THREE, 3, 0f, 1f, 1f, 0.5f, 0f), 1e-6f);
    }

    @Test
    void aQuarterTurnRotatesTheMatrixClockwise() {
        // θ = 90°: dst(x, y) = src(c + (y − c), c − (x − c)) = src(y, 2 − x), the rows read bottom-up
        assertArrayEquals(new float[] {7, 4, 1, 8, 5, 2, 9, 6, 3},
                warp(THREE, 3, (float) (Math.PI / 2), 1f, 1f, 0f, 0f), 1e-5f);
    }

    @Test
    void scalingByTwoAboutTheCentreMagnifies() {
        // 5×5, c = 2, gx = gy = 2: dst(x, y) = src(2 + (x − 2)/2, 2 + (y − 2)/2); dst(0, 0) = src(1, 1)
        float[] src = new float[25];
        for (int i = 0; i < 25; i++) {
            src[i] = i;
        }
        float[] dst = warp(src, 5, 0f, 2f, 2f, 0f, 0f);
        assertEquals(src[6], dst[0], 1e-6f);
        assertEquals(src[12], dst[12], 1e-6f);
        assertEquals((src[6] + src[7]) / 2, dst[1], 1e-6f);   // x = 1 reads x' = 1.5
    }

    @Test
    void anElasticFieldDisplacesEachPixelByItsOwnVector() {
        float[] field = new float[18];
        field[4] = 1f;      // centre pixel reads one to the right: src(2, 1) = 6
        field[9 + 0] = 1f;  // top-left pixel reads one down: src(0, 1) = 4
        float[] dst = new float[9];
        Deformation.warp(THREE, 0, dst, 0, 3, 0f, 1f, 1f, 0f, 0f, field, 0);
        assertArrayEquals(new float[] {4, 2, 3, 4, 6, 6, 7, 8, 9}, dst, 0f);
    }

    @Test
    void elasticWithAlphaZeroIsTheIdentity() {
        float[] src = random(4 * 28 * 28, 3);
        float[] dst = new float[src.length];
        Deformation.parse("elastic").withElastic(6f, 0f).apply(src, dst, 4, 28, 42, 1, 0);
        assertArrayEquals(src, dst, 0f);
    }

    @Test
    void theSameSeedEpochAndRowGiveTheSameImageAndAnotherEpochAnother() {
        Deformation d = Deformation.parse("affine+elastic");
        float[] src = random(3 * 28 * 28, 5);
        float[] all = new float[src.length];
        d.apply(src, all, 3, 28, 42, 2, 10);
        // row 11 alone, at position 0 of its own batch: the same pixels as row 11 of the batch
        float[] one = new float[28 * 28];
        d.apply(Arrays.copyOfRange(src, 784, 1568), one, 1, 28, 42, 2, 11);
        assertArrayEquals(Arrays.copyOfRange(all, 784, 1568), one, 0f);
        float[] next = new float[src.length];
        d.apply(src, next, 3, 28, 42, 3, 10);
        assertFalse(Arrays.equals(all, next), "another epoch draws another deformation");
        float[] otherSeed = new float[src.length];
        d.apply(src, otherSeed, 3, 28, 43, 2, 10);
        assertFalse(Arrays.equals(all, otherSeed), "another seed draws another deformation");
    }

    @Test
    void uniformsAreInsideMinusOneToOneAndSymmetric() {
        assertEquals(-1 + 0x1p-24f, Deformation.uniform(0), 0f);
        assertEquals(1 - 0x1p-24f, Deformation.uniform(-1), 0f);
        assertEquals(-Deformation.uniform(0x12345600), Deformation.uniform(~0x12345600 & 0xFFFFFF00), 0f);
    }

    @Test
    void theGaussianTapsAreNormalisedOverTheWholeWindow() {
        float[] g = Deformation.taps(1f, 100);
        assertEquals(4, g.length - 1);   // radius ⌊4σ + ½⌋
        double sum = g[0];
        for (int k = 1; k < g.length; k++) {
            sum += 2 * g[k];
        }
        assertEquals(1.0, sum, 1e-6);
        assertEquals(Math.exp(-0.5) * g[0], g[1], 1e-7);
        assertArrayEquals(new float[] {1f}, Deformation.taps(0f, 28), 0f);
        assertEquals(25, Deformation.taps(6f, 28).length);   // radius 24
        assertEquals(28, Deformation.taps(10f, 28).length);  // radius 40, but taps past the image never meet a pixel
    }

    @Test
    void kindsAndSettingsAreChecked() {
        assertEquals("affine+elastic", Deformation.parse("Affine+Elastic").kind());
        assertEquals("augment", assertThrows(InvalidSetting.class, () -> Deformation.parse("rotate")).setting());
        assertEquals("elastic sigma", assertThrows(InvalidSetting.class,
                () -> Deformation.parse("elastic").withElastic(-1f, 34f)).setting());
        assertEquals(28, Deformation.side(784));
        assertEquals(-1, Deformation.side(2));
        assertEquals(-1, Deformation.side(785));
        assertTrue(Deformation.parse("affine+elastic").describe().contains("σ 6, α 36"));
    }

    private static float[] random(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }
}
