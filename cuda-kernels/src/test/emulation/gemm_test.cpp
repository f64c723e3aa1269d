// Runs the real kernel sources on the CPU (shim.h), against double-precision loops: a logic check
// of indexing, tiling, bounds and reductions for machines without a GPU. Not a timing or
// memory-model check. Build and run: cuda-kernels/src/test/emulation/run.sh
#include "shim.h"
#include "../../main/cuda/gemm.cu"
#include <cstdio>
#include <random>
int fails = 0;
void check(int m, int n, int k, bool ta, bool tb, float alpha, float beta) {
    std::mt19937 r(m * 131 + n * 7 + k + ta + 2 * tb);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> A(m * k), B(k * n), C(m * n), C0;
    for (auto &x : A) x = u(r);
    for (auto &x : B) x = u(r);
    for (auto &x : C) x = beta == 0 ? NAN : u(r);
    C0 = C;
    int lda = ta ? m : k, ldb = tb ? k : n, ldc = n;
    dim3 grid{(unsigned) ((n + 127) / 128), (unsigned) ((m + 127) / 128), 1}, block{256, 1, 1};
    auto fn = ta ? (tb ? sgemm_tt : sgemm_tn) : (tb ? sgemm_nt : sgemm_nn);
    launch(grid, block, [&] { fn(m, n, k, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc); });
    double worst = 0;
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
        double s = 0, sa = 0;
        for (int p = 0; p < k; p++) {
            double av = ta ? A[p * lda + i] : A[i * lda + p];
            double bv = tb ? B[j * ldb + p] : B[p * ldb + j];
            s += av * bv; sa += std::fabs(av * bv);
        }
        double want = alpha * s + (beta == 0 ? 0 : beta * C0[i * n + j]);
        double err = std::fabs(want - C[i * n + j]);
        double tol = (k + 4) * 6e-8 * (sa + (beta == 0 ? 0 : std::fabs(C0[i*n+j]))) + 1e-30;
        if (!(err <= tol)) { if (fails++ < 5) printf("FAIL %dx%dx%d ta=%d tb=%d at (%d,%d): want %g got %g\n", m, n, k, ta, tb, i, j, want, C[i * n + j]); }
        worst = std::max(worst, err);
    }
    printf("%4dx%4dx%4d ta=%d tb=%d alpha=%g beta=%g max err %.3g\n", m, n, k, ta, tb, alpha, beta, worst);
}
int main() {
    int shapes[][3] = {{1, 1, 1}, {1, 13, 1}, {13, 1, 7}, {2, 3, 1}, {7, 13, 31}, {129, 130, 9}, {130, 257, 17}, {64, 64, 64}, {3, 300, 5}, {300, 3, 2}, {5, 7, 300}};
    for (auto &s : shapes) for (int ta = 0; ta < 2; ta++) for (int tb = 0; tb < 2; tb++) {
        check(s[0], s[1], s[2], ta, tb, 1.0f, 0.0f);
        check(s[0], s[1], s[2], ta, tb, 0.75f, 0.5f);
    }
    printf("fails=%d\n", fails);
    return fails != 0;
}
