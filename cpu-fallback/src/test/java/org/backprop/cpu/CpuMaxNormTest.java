package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Max-norm gives the bits of the plain loop that defines its order (each column's squares summed
 * in row order in float32, then w·min(n, c)/(ε + n) in float32), for every layout, thread count and
 * path (Vector API or scalar), over shapes that leave vector tails and partial tasks.
 */
class CpuMaxNormTest {

    /** The definition, written out: one column at a time, rows in order, float32 throughout. */
    private static float[] plainMaxNorm(float[] w, int rows, int cols, float c) {
        float[] out = w.clone();
        for (int j = 0; j < cols; j++) {
            float sum = 0f;
            for (int i = 0; i < rows; i++) {
                sum += w[i * cols + j] * w[i * cols + j];
            }
            float norm = (float) Math.sqrt(sum);
            float scale = Math.min(norm, c) / (Backend.MAX_NORM_EPS + norm);
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = w[i * cols + j] * scale;
            }
        }
        return out;
    }

    /**
     * Columns of three kinds: far over the bound, inside it with a norm of 2 or more (scale exactly
     * 1), and inside it below 2 (a scale just under 1, so the product still changes bits).
     */
    private static float[] weights(int rows, int cols, float c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[rows * cols];
        for (int j = 0; j < cols; j++) {
            int kind = r.nextInt(3);
            double target = kind == 0 ? 3 * c : kind == 1 ? (2 + c) / 2 : 0.5 + r.nextDouble();
            double sd = target / Math.sqrt(rows);
            for (int i = 0; i < rows; i++) {
                w[i * cols + j] = (float) (r.nextGaussian() * sd);
            }
        }
        return w;
    }

    @ParameterizedTest(name = "{0}x{1} panels {2} threads {3} vector {4}")
    @CsvSource({
        "1, 1, 0, 1, true",
        "7, 33, 0, 1, true",
        "7, 33, 0, 3, false",
        "300, 100, 0, 2, true",
        "300, 100, 0, 2, false",
        "1024, 70, 0, 3, true",
        "97, 48, 8, 1, true",
        "97, 48, 16, 2, true",
        "784, 96, 16, 3, true",
        "1024, 64, 32, 2, true",
        "40, 2000, 16, 2, true",
        "40, 2000, 0, 2, true",
    })
    void maxNormGivesThePlainLoopsBits(int rows, int cols, int panel, int threads, boolean vector) {
        assumeTrue(!vector || CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        float c = 2.5f;
        float[] w = weights(rows, cols, c, 31L * rows + cols);
        float[] expected = plainMaxNorm(w, rows, cols, c);
        assertNotEquals(0, java.util.Arrays.compare(w, expected), "no column changed, so nothing was tested");
        try (CpuBackend backend = new CpuBackend(threads, vector, null, panel > 0);
             Tensor t = backend.allocate(rows, cols)) {
            backend.upload(w, t);
            if (panel > 0) {
                TensorArrays.toPanels((CpuTensor) t, panel);
                assertTrue(TensorArrays.inPanels(t), "the weights did not go into panels");
            }
            backend.maxNorm(t, c);
            SameBits.assertSameBits(expected, backend.download(t), cols, "max-norm", "plain loop", "backend");
        }
    }
}
