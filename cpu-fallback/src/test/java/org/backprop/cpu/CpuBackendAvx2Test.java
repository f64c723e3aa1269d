package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;
import org.backprop.cpu.gemm.GemmBlocking;
import org.junit.jupiter.api.Test;

/**
 * The backend on 256-bit vectors (run by the surefire execution "avx2", which starts the JVM with
 * -XX:UseAVX=2): it starts (its warm-up once read past an array at this width, so an AVX2-only
 * CPU could not train at all), picks the AVX2 blocking, and computes a layer.
 */
class CpuBackendAvx2Test {

    @Test
    void theBackendStartsAndComputesOnEightLaneVectors() {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        assumeTrue(GemmBlocking.lanes() == 8, "this JVM has " + GemmBlocking.lanes()
                + "-float vectors (run by the avx2 surefire execution, with -XX:UseAVX=2, on x86)");
        GemmBlocking blocking = GemmBlocking.forThisCpu();
        assertEquals("6x2", blocking.shape(), "the AVX2 blocking");
        int in = 40;
        int out = 48;
        float[] w = new float[in * out];
        float[] x = new float[3 * in];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 13 - 6) * 0.05f;
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) * 0.1f;
        }
        try (CpuBackend backend = new CpuBackend(2);
             Tensor weights = backend.upload(w, in, out);
             Tensor input = backend.upload(x, 3, in);
             Tensor bias = backend.allocate(1, out);
             Tensor y = backend.allocate(3, out)) {
            backend.linearForward(input, weights, bias, Pointwise.IDENTITY, y);
            float[] got = backend.download(y);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < out; j++) {
                    double s = 0;
                    for (int p = 0; p < in; p++) {
                        s += (double) x[i * in + p] * w[p * out + j];
                    }
                    assertEquals(s, got[i * out + j], 1e-5, "y[" + i + "][" + j + "]");
                }
            }
            assertTrue(((CpuTensor) weights).panel == 16, "the weights went into 16-wide panels");
        }
    }
}
