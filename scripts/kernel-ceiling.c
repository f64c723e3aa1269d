/*
 * The 12x2 GEMM micro-kernel (12 rows x 2 AVX-512 vectors, as VectorGemmKernel12x2) written with
 * C intrinsics, timed in the three settings of org.backprop.cpu.CpuKernelRate on one thread: both
 * strips in L1 (kc 256), a product task's tile loop in L2 (8 A strips past 5 B strips, kc 1024),
 * and the same loop with 32 B strips (4 MB) streaming in. Built twice by kernel-ceiling.sh: plain,
 * and with a prefetch of B 512 floats ahead, which Java cannot issue. It is a measuring stick for
 * what the Java kernel leaves on the table, not part of the engine.
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MR 12
#define NR 32
#ifndef PREFETCH
#define PREFETCH 0
#endif

static void tile(int kc, const float *a, const float *b, float *c, int ldc) {
    __m512 c0[MR], c1[MR];
    for (int r = 0; r < MR; r++) {
        c0[r] = _mm512_setzero_ps();
        c1[r] = _mm512_setzero_ps();
    }
    for (int p = 0; p < kc; p++) {
#if PREFETCH
        _mm_prefetch((const char *) (b + PREFETCH), _MM_HINT_T0);
        _mm_prefetch((const char *) (b + PREFETCH + 16), _MM_HINT_T0);
#endif
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            __m512 av = _mm512_set1_ps(a[r]);
            c0[r] = _mm512_fmadd_ps(b0, av, c0[r]);
            c1[r] = _mm512_fmadd_ps(b1, av, c1[r]);
        }
        a += MR;
        b += NR;
    }
    for (int r = 0; r < MR; r++) {
        _mm512_storeu_ps(c + r * ldc, c0[r]);
        _mm512_storeu_ps(c + r * ldc + 16, c1[r]);
    }
}

static void pass(int kc, const float *a, const float *b, float *c, int aStrips, int bStrips) {
    int ldc = bStrips * NR;
    for (int s = 0; s < bStrips; s++) {
        for (int as = 0; as < aStrips; as++) {
            tile(kc, a + (size_t) as * MR * kc, b + (size_t) s * NR * kc, c + (size_t) as * MR * ldc + s * NR, ldc);
        }
    }
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void setting(const char *name, int kc, int aStrips, int bStrips) {
    /* padded so the prefetch's lines past the last strip are still ours */
    size_t na = (size_t) aStrips * MR * kc, nb = (size_t) bStrips * NR * kc + 1024;
    float *a = aligned_alloc(64, (na * 4 + 63) / 64 * 64), *b = aligned_alloc(64, (nb * 4 + 63) / 64 * 64);
    float *c = aligned_alloc(64, (size_t) aStrips * MR * bStrips * NR * 4);
    srand(1);
    for (size_t i = 0; i < na; i++) a[i] = rand() / (float) RAND_MAX - 0.5f;
    for (size_t i = 0; i < nb; i++) b[i] = rand() / (float) RAND_MAX - 0.5f;
    double flops = 2.0 * MR * NR * kc * aStrips * bStrips;
    long passes = (long) (2e8 / flops) + 1;
    for (int w = 0; w < 3; w++) pass(kc, a, b, c, aStrips, bStrips);
    double best = 0;
    for (int round = 0; round < 5; round++) {
        double t0 = seconds();
        for (long p = 0; p < passes; p++) pass(kc, a, b, c, aStrips, bStrips);
        double rate = flops * passes / (seconds() - t0) / 1e9;
        if (rate > best) best = rate;
    }
    printf("%s: kc %d, %d A strips past %d B strips: %.0f GFLOP/s (c %g)\n", name, kc, aStrips, bStrips, best, c[7]);
    free(a);
    free(b);
    free(c);
}

int main(void) {
    setting("L1", 256, 1, 1);
    setting("L2", 1024, 8, 5);
    setting("B streaming", 1024, 8, 32);
    return 0;
}
