// Losses and metrics that add into a 1x1 accumulator, plus the shared final reduction.
//
//   sigmoid_bce       p = sigmoid(z), g = (p - y) / m, partial loss
//                     max(z, 0) - z*y + log1p(exp(-|z|))  (= -[y log p + (1-y) log(1-p)], stable)
//   squared_error     g = 2 (o - y) / m, partial loss (o - y)^2
//   sum_of_squares    partial x^2
//   count_correct     per row 1 or 0: argmax(o) == argmax(y) (first maximum wins) when n > 1,
//                     (o >= 0.5) == (y >= 0.5) when n == 1
//   argmax_rows       idx[i] = first index of the row maximum (int32)
//   sum_partials_add  acc[0] += sum of k doubles, in a fixed order
//
// Reductions are deterministic two-pass (see reductions.cuh): the elementwise kernels run a grid
// of G blocks (G = min(ceil(n/256), 1024), a function of n only), each block writes one double
// partial, then sum_partials_add (one block of 256) adds the G partials to the accumulator in
// double and rounds once. Per-thread partials are double too: the loss of a whole epoch is summed
// on the device, and double keeps that sum independent of how it was split.
//
// Launch: elementwise kernels 1-D, 256 threads, grid-stride; row kernels one warp per row, 8 rows
// per 256-thread block; sum_partials_add exactly one block of 256 threads.
//
// Versions tried: v1 (this one). Speed UNMEASURED: no GPU in the session that wrote this. They
// are memory bound and run once per step on the output layer (batch x classes), so tiny.

#include "reductions.cuh"

extern "C" __global__ void sum_partials_add(const double *partials, int k, float *acc) {
    __shared__ double warpSums[32];
    double s = 0.0;
    for (int i = threadIdx.x; i < k; i += blockDim.x) {
        s += partials[i];
    }
    double total = block_sum_d(s, warpSums);
    if (threadIdx.x == 0) {
        acc[0] = (float) ((double) acc[0] + total);
    }
}

extern "C" __global__ void sigmoid_bce(const float *z, const float *y, float *p, float *g,
                                       double *partials, int n, float mRows) {
    __shared__ double warpSums[32];
    double s = 0.0;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        float zv = z[i];
        float yv = y[i];
        float pv = 1.0f / (1.0f + expf(-zv));
        s += (double) (fmaxf(zv, 0.0f) - zv * yv + log1pf(expf(-fabsf(zv))));
        p[i] = pv;
        g[i] = (pv - yv) / mRows;
    }
    double total = block_sum_d(s, warpSums);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

extern "C" __global__ void squared_error(const float *o, const float *y, float *g,
                                         double *partials, int n, float mRows) {
    __shared__ double warpSums[32];
    double s = 0.0;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        float d = o[i] - y[i];
        s += (double) d * (double) d;
        g[i] = (2.0f * d) / mRows;
    }
    double total = block_sum_d(s, warpSums);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

extern "C" __global__ void sum_of_squares(const float *x, double *partials, int n) {
    __shared__ double warpSums[32];
    double s = 0.0;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        double v = (double) x[i];
        s += v * v;
    }
    double total = block_sum_d(s, warpSums);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

// First maximum of row r seen by this lane's ascending subsequence, then merged across the warp.
__device__ __forceinline__ int row_argmax(const float *row, int n, int lane) {
    float bv = -INFINITY;
    int bi = 0x7fffffff;
    for (int j = lane; j < n; j += 32) {
        float v = row[j];
        if (bi == 0x7fffffff || v > bv) {
            bv = v;
            bi = j;
        }
    }
    warp_argmax(bv, bi);
    return bi;
}

extern "C" __global__ void count_correct(const float *o, const float *y, double *rowHits, int m, int n) {
    int warpsPerBlock = blockDim.x >> 5;
    int row = blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= m) {
        return;
    }
    size_t base = (size_t) row * n;
    int hit;
    if (n == 1) {
        hit = (o[base] >= 0.5f) == (y[base] >= 0.5f);
    } else {
        int a = row_argmax(o + base, n, lane);
        int b = row_argmax(y + base, n, lane);
        hit = a == b;
    }
    if (lane == 0) {
        rowHits[row] = hit ? 1.0 : 0.0;
    }
}

extern "C" __global__ void argmax_rows(const float *x, int *idx, int m, int n) {
    int warpsPerBlock = blockDim.x >> 5;
    int row = blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= m) {
        return;
    }
    int a = row_argmax(x + (size_t) row * n, n, lane);
    if (lane == 0) {
        idx[row] = a;
    }
}
