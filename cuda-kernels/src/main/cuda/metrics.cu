// Metrics: Backend.countCorrect, Backend.argmax and Backend.sumOfSquares. CPU twin: CpuBackend's
// methods of the same names; judge: ReferenceBackend's.
//
//   count_correct   per row 1 or 0: argmax(o) == argmax(y) (first maximum wins) when n > 1,
//                   (o >= 0.5) == (y >= 0.5) when n == 1; reductions.cu:add_partials then adds
//                   the m row hits to the accumulator
//   argmax          idx[i] = first index of the row maximum (int32)
//   sum_of_squares  partial sums of x^2, one double per block, added by add_partials
//
// Launch: count_correct and argmax one warp per row, 8 rows per 256-thread block; sum_of_squares
// 1-D, 256 threads, grid min(ceil(n/256), 1024), grid-stride.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU.

#include "reductions.cuh"

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

extern "C" __global__ void argmax(const float *x, int *idx, int m, int n) {
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
