// Runs the real kernel sources on the CPU (shim.h), against double-precision loops: a logic check
// of indexing, tiling, bounds and reductions for machines without a GPU. Not a timing or
// memory-model check. Build and run: cuda-kernels/src/test/emulation/run.sh
#include "shim.h"

#include "../../main/cuda/activations.cu"
#include "../../main/cuda/softmax.cu"
#include "../../main/cuda/losses.cu"
#include "../../main/cuda/bias.cu"
#include "../../main/cuda/optim.cu"
#include "../../main/cuda/gather.cu"
#include <cstdio>
#include <random>
#include <algorithm>
int fails = 0;
#define CHECK(cond, ...) do { if (!(cond)) { if (fails++ < 100000) { printf("FAIL line %d: ", __LINE__); printf(__VA_ARGS__); printf("\n"); } } } while (0)
std::mt19937 rng(7);
std::vector<float> rnd(int n, float lo, float hi) { std::uniform_real_distribution<float> u(lo, hi); std::vector<float> v(n); for (auto &x : v) x = u(rng); return v; }
unsigned grid1(long n) { return (unsigned) std::min<long>((n + 255) / 256, 65535); }
unsigned gridP(long n) { return (unsigned) std::min<long>((n + 255) / 256, 1024); }
unsigned gridR(int m) { return (m + 7) / 8; }
bool close(double want, double got, double tol) { return std::fabs(want - got) <= tol; }

void rows_tests(int m, int n) {
    int N = m * n;
    auto x = rnd(N, -20, 20);
    // softmax in place
    std::vector<float> p = x;
    launch({gridR(m)}, {256}, [&] { softmax_rows(p.data(), p.data(), m, n); });
    std::vector<float> y(N, 0.f);
    std::uniform_int_distribution<int> pick(0, n - 1);
    for (int i = 0; i < m; i++) y[i * n + pick(rng)] = 1.f;
    std::vector<float> p2(N, NAN), g(N, NAN);
    std::vector<double> rowLoss(m, NAN);
    launch({gridR(m)}, {256}, [&] { softmax_xent_rows(x.data(), y.data(), p2.data(), g.data(), rowLoss.data(), m, n, (float) m); });
    float acc = 2.0f;
    launch({1}, {256}, [&] { sum_partials_add(rowLoss.data(), m, &acc); });
    double lossWant = 2.0;
    for (int i = 0; i < m; i++) {
        double mx = -INFINITY; for (int j = 0; j < n; j++) mx = std::max(mx, (double) x[i * n + j]);
        double s = 0; for (int j = 0; j < n; j++) s += std::exp(x[i * n + j] - mx);
        for (int j = 0; j < n; j++) {
            double pw = std::exp(x[i * n + j] - mx) / s;
            CHECK(close(pw, p[i * n + j], (1e-6 + 2e-7 * std::fabs(x[i*n+j] - mx)) * pw + 1e-37), "softmax %dx%d (%d,%d) want %g got %g", m, n, i, j, pw, p[i*n+j]);
            CHECK(close(pw, p2[i * n + j], (1e-6 + 2e-7 * std::fabs(x[i*n+j] - mx)) * pw + 1e-37), "xent p");
            double gw = (pw - y[i * n + j]) / m;
            CHECK(close(gw, g[i * n + j], 1e-6 * std::fabs(gw) + 1.2e-7 / m), "xent g %g %g", gw, g[i*n+j]);
            if (y[i * n + j] != 0) lossWant += -std::log(pw) * y[i*n+j];
        }
    }
    CHECK(close(lossWant, acc, 1e-5 * lossWant + 1e-5), "xent loss %dx%d want %g got %g", m, n, lossWant, acc);

    // argmax + count correct with ties
    std::uniform_int_distribution<int> small(0, 3);
    std::vector<float> t(N); for (auto &v : t) v = small(rng);
    std::vector<int> idx(m, -1);
    launch({gridR(m)}, {256}, [&] { argmax_rows(t.data(), idx.data(), m, n); });
    std::vector<double> hits(m, NAN);
    launch({gridR(m)}, {256}, [&] { count_correct(t.data(), y.data(), hits.data(), m, n); });
    float correct = 5.f;
    launch({1}, {256}, [&] { sum_partials_add(hits.data(), m, &correct); });
    int want = 5;
    for (int i = 0; i < m; i++) {
        int a = 0; for (int j = 1; j < n; j++) if (t[i * n + j] > t[i * n + a]) a = j;
        int b = 0; for (int j = 1; j < n; j++) if (y[i * n + j] > y[i * n + b]) b = j;
        CHECK(idx[i] == a, "argmax %dx%d row %d want %d got %d", m, n, i, a, idx[i]);
        if (n == 1) want += (t[i] >= 0.5f) == (y[i] >= 0.5f); else want += a == b;
    }
    CHECK(correct == want, "countCorrect %dx%d want %d got %g", m, n, want, correct);

    // bias
    auto d = rnd(N, -1, 1); auto bvec = rnd(n, -1, 1);
    std::vector<float> xb = d;
    launch({grid1(N)}, {256}, [&] { add_bias(xb.data(), bvec.data(), m, n); });
    for (int i = 0; i < N; i++) CHECK(xb[i] == d[i] + bvec[i % n], "addBias");
    std::vector<float> gb(n, NAN);
    launch({(unsigned) (n + 31) / 32}, {32, 8}, [&] { bias_grad(d.data(), gb.data(), m, n, 0.f); });
    std::vector<float> gb2 = bvec;
    launch({(unsigned) (n + 31) / 32}, {32, 8}, [&] { bias_grad(d.data(), gb2.data(), m, n, 0.5f); });
    for (int j = 0; j < n; j++) {
        double s = 0; for (int i = 0; i < m; i++) s += d[i * n + j];
        CHECK(close(s, gb[j], 1e-6 * m), "biasGrad %dx%d col %d want %g got %g", m, n, j, s, gb[j]);
        CHECK(close(s + 0.5 * bvec[j], gb2[j], 1e-6 * m), "biasGrad beta");
    }

    // gather
    std::vector<int> gi(m + 3); std::uniform_int_distribution<int> r(0, m - 1); for (auto &v : gi) v = r(rng);
    gi[4 < m + 3 ? 4 : 0] = m;  // out of range -> NaN row
    int rows = m; std::vector<float> dst((size_t) rows * n, 0.f);
    launch({grid1((long) rows * n)}, {256}, [&] { gather_rows(d.data(), gi.data(), 3, dst.data(), m, rows, n); });
    for (int rr = 0; rr < rows; rr++) for (int j = 0; j < n; j++) {
        int s = gi[3 + rr];
        if (s == m) CHECK(std::isnan(dst[rr * n + j]), "gather NaN");
        else CHECK(dst[rr * n + j] == d[s * n + j], "gather %d %d", rr, j);
    }
}

void elementwise_tests(int n) {
    auto x = rnd(n, -10, 10); auto dy = rnd(n, -1, 1);
    std::vector<float> y(n), dx(n);
    launch({grid1(n)}, {256}, [&] { sigmoid_forward(x.data(), y.data(), n); });
    launch({grid1(n)}, {256}, [&] { sigmoid_backward(y.data(), dy.data(), dx.data(), n); });
    for (int i = 0; i < n; i++) { double s = 1 / (1 + std::exp(-(double) x[i])); CHECK(close(s, y[i], 1e-6 * s + 1e-7), "sigmoid"); CHECK(close(dy[i] * y[i] * (1 - y[i]), dx[i], 1e-6), "sigmoidBackward"); }
    launch({grid1(n)}, {256}, [&] { tanh_forward(x.data(), y.data(), n); });
    launch({grid1(n)}, {256}, [&] { tanh_backward(y.data(), dy.data(), dx.data(), n); });
    for (int i = 0; i < n; i++) { CHECK(close(std::tanh((double) x[i]), y[i], 1e-6), "tanh"); CHECK(close(dy[i] * (1 - y[i] * y[i]), dx[i], 1e-6), "tanhBackward"); }
    std::vector<float> xr = x; xr[0] = NAN;
    launch({grid1(n)}, {256}, [&] { relu_forward(xr.data(), xr.data(), n); });
    launch({grid1(n)}, {256}, [&] { relu_backward(xr.data(), dy.data(), dx.data(), n); });
    CHECK(xr[0] == 0.f, "relu of NaN is 0, as on the CPU");
    for (int i = 1; i < n; i++) { CHECK(xr[i] == std::max(0.f, x[i]), "relu"); CHECK(dx[i] == (xr[i] > 0 ? dy[i] : 0.f), "reluBackward"); }
    // losses with partials
    std::vector<float> yt(n); for (auto &v : yt) v = (rng() & 1) ? 1.f : 0.f;
    std::vector<float> p(n), g(n); std::vector<double> part(1024, NAN);
    unsigned G = gridP(n); float loss = 1.f;
    launch({G}, {256}, [&] { sigmoid_bce(x.data(), yt.data(), p.data(), g.data(), part.data(), n, 4.f); });
    launch({1}, {256}, [&] { sum_partials_add(part.data(), G, &loss); });
    double lw = 1;
    for (int i = 0; i < n; i++) { double z = x[i], s = 1 / (1 + std::exp(-z)); lw += -(yt[i] * std::log(s) + (1 - yt[i]) * std::log1p(-s));
        CHECK(close(s, p[i], 1e-6 * s + 1e-7), "bce p"); CHECK(close((s - yt[i]) / 4, g[i], 1e-6), "bce g"); }
    CHECK(close(lw, loss, 1e-5 * lw), "bce loss n=%d want %g got %g", n, lw, loss);
    float se = 0.f;
    launch({G}, {256}, [&] { squared_error(p.data(), yt.data(), g.data(), part.data(), n, 4.f); });
    launch({1}, {256}, [&] { sum_partials_add(part.data(), G, &se); });
    double sw = 0; for (int i = 0; i < n; i++) { double d = p[i] - yt[i]; sw += d * d; CHECK(close(2 * d / 4, g[i], 1e-6), "se g"); }
    CHECK(close(sw, se, 1e-5 * sw + 1e-6), "se loss");
    float ss = 1.f;
    launch({G}, {256}, [&] { sum_of_squares(x.data(), part.data(), n); });
    launch({1}, {256}, [&] { sum_partials_add(part.data(), G, &ss); });
    double qw = 1; for (int i = 0; i < n; i++) qw += (double) x[i] * x[i];
    CHECK(close(qw, ss, 1e-6 * qw), "sumOfSquares");
    // optimisers
    auto p0 = rnd(n, -1, 1); auto gg = rnd(n, -1, 1);
    std::vector<float> ps = p0, pm = p0, v(n, 0.f), pa = p0, m1(n, 0.f), m2(n, 0.f);
    launch({grid1(n)}, {256}, [&] { sgd_update(ps.data(), gg.data(), 0.1f, n); });
    launch({grid1(n)}, {256}, [&] { momentum_update(pm.data(), gg.data(), v.data(), 0.1f, 0.9f, n); });
    launch({grid1(n)}, {256}, [&] { momentum_update(pm.data(), gg.data(), v.data(), 0.1f, 0.9f, n); });
    float bc1 = 1 - 0.9f, bc2 = 1 - 0.999f;
    launch({grid1(n)}, {256}, [&] { adam_update(pa.data(), gg.data(), m1.data(), m2.data(), 0.01f, 0.9f, 0.999f, 1e-8f, bc1, bc2, n); });
    for (int i = 0; i < n; i++) {
        CHECK(close(p0[i] - 0.1 * gg[i], ps[i], 1e-6), "sgd");
        double vel = 0.9 * gg[i] + gg[i]; CHECK(close(vel, v[i], 1e-6), "mom v"); CHECK(close(p0[i] - 0.1 * gg[i] - 0.1 * vel, pm[i], 1e-6), "mom p");
        double mm = 0.1 * gg[i], vv = 0.001 * gg[i] * gg[i];
        CHECK(close(p0[i] - 0.01 * (mm / 0.1) / (std::sqrt(vv / 0.001) + 1e-8), pa[i], 1e-6), "adam");
    }
    std::vector<float> f(n, 3.f);
    launch({grid1(n)}, {256}, [&] { scale_inplace(f.data(), -0.5f, n); });
    for (int i = 0; i < n; i++) CHECK(f[i] == -1.5f, "scale");
    launch({grid1(n)}, {256}, [&] { fill_value(f.data(), 7.f, n); });
    for (int i = 0; i < n; i++) CHECK(f[i] == 7.f, "fill");
}

int main() {
    int shapes[][2] = {{1, 1}, {1, 7}, {7, 1}, {1, 127}, {13, 31}, {9, 10}, {31, 2}, {40, 33}, {3, 100}};
    for (auto &s : shapes) rows_tests(s[0], s[1]);
    for (int n : {1, 7, 255, 256, 257, 1000, 66000}) elementwise_tests(n);
    printf("fails=%d\n", fails);
    return fails != 0;
}
