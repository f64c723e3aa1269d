// Softmax by rows (Backend.softmax), and softmax fused with categorical cross-entropy
// (Backend.softmaxCrossEntropy). CPU twin: CpuBackend.softmax, CpuBackend.softmaxCrossEntropy;
// judge: ReferenceBackend's methods of the same names.
//
//   softmax                p[i][j] = exp(x[i][j] - max_i) / sum_j exp(x[i][j] - max_i)
//   softmax_cross_entropy  the same p, plus g = (p - y) / m and, per row,
//                          rowLoss[i] = -sum_j y[i][j] * log p[i][j]
//                                     = sum_{j: y != 0} y[i][j] * (max_i + log(sum_i) - x[i][j]),
//                          i.e. from the log-sum-exp, finite even where p underflows to 0. Terms
//                          with y == 0 are skipped (0·log 0 = 0), so -inf logits on wrong classes
//                          are fine.
//
// Loss accumulation is two-pass and deterministic: this kernel writes one double per row into a
// scratch buffer, then reductions.cu:add_partials (one block, fixed order) adds their sum into the
// 1x1 accumulator. atomicAdd would be one launch fewer, but float atomics make the loss depend on
// scheduling, so two runs (or the CPU and the GPU) could differ in the last bits for no reason;
// the extra launch over m doubles is negligible next to the GEMMs.
//
// Launch: one warp per row, 256 threads = 8 rows per block, grid = ceil(m / 8). Each lane walks
// the row with stride 32 (coalesced), then a butterfly reduction gives every lane the same max
// and sum. Aliasing: p may be x, g may be p (and may be x): each element is read before it is
// written, by the same lane, and g is written last.
//
// Versions tried: v1 (this one), warp per row, three passes over the row (max, sum, write).
// A block-per-row variant would suit rows of many thousands of columns; our rows are class
// scores (10 to ~1000 wide). Speed: not yet measured on a GPU.

#include "reductions.cuh"

extern "C" __global__ void softmax(const float *x, float *p, int m, int n) {
    int warpsPerBlock = blockDim.x >> 5;
    int row = blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= m) {
        return;   // whole warp leaves together: row is uniform across the warp
    }
    const float *xr = x + (size_t) row * n;
    float *pr = p + (size_t) row * n;

    float mx = -INFINITY;
    for (int j = lane; j < n; j += 32) {
        mx = fmaxf(mx, xr[j]);
    }
    mx = warp_max(mx);

    float sum = 0.0f;
    for (int j = lane; j < n; j += 32) {
        sum += expf(xr[j] - mx);
    }
    sum = warp_sum(sum);

    for (int j = lane; j < n; j += 32) {
        pr[j] = expf(xr[j] - mx) / sum;
    }
}

// One warp's row of softmax + cross-entropy, shared by the two kernels below: writes p and
// g = (p - y) / mRows for row `row` and returns the row's loss, summed over the warp.
__device__ __forceinline__ float softmax_cross_entropy_row(const float *x, const float *y, float *p, float *g,
                                                           int row, int n, float mRows, int lane) {
    size_t base = (size_t) row * n;

    float mx = -INFINITY;
    for (int j = lane; j < n; j += 32) {
        mx = fmaxf(mx, x[base + j]);
    }
    mx = warp_max(mx);

    float sum = 0.0f;
    for (int j = lane; j < n; j += 32) {
        sum += expf(x[base + j] - mx);
    }
    sum = warp_sum(sum);
    float lse = mx + logf(sum);

    float loss = 0.0f;
    for (int j = lane; j < n; j += 32) {
        float xv = x[base + j];
        float yv = y[base + j];
        float pv = expf(xv - mx) / sum;
        if (yv != 0.0f) {
            loss += yv * (lse - xv);
        }
        p[base + j] = pv;
        g[base + j] = (pv - yv) / mRows;
    }
    return warp_sum(loss);
}

extern "C" __global__ void softmax_cross_entropy(const float *x, const float *y, float *p, float *g,
                                                 double *rowLoss, int m, int n, float mRows) {
    int warpsPerBlock = blockDim.x >> 5;
    int row = blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= m) {
        return;
    }
    float loss = softmax_cross_entropy_row(x, y, p, g, row, n, mRows, lane);
    if (lane == 0) {
        rowLoss[row] = (double) loss;
    }
}

// softmax_cross_entropy_count (Backend.softmaxCrossEntropy with a correct count): the pass above,
// and in the same warp, while the row is in cache, the hit of count_correct on the probabilities
// just written: rowHits[i] = 1 when the first maximum of p's row is that of y's (for n == 1,
// p >= 0.5 against y >= 0.5). One launch instead of two, and one add_partials fewer per step.
// p must not alias g here (the count reads p back).
extern "C" __global__ void softmax_cross_entropy_count(const float *x, const float *y, float *p, float *g,
                                                       double *rowLoss, double *rowHits, int m, int n,
                                                       float mRows) {
    int warpsPerBlock = blockDim.x >> 5;
    int row = blockIdx.x * warpsPerBlock + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= m) {
        return;
    }
    size_t base = (size_t) row * n;
    float loss = softmax_cross_entropy_row(x, y, p, g, row, n, mRows, lane);
    __syncwarp();   // each lane reads back p written by other lanes of the warp
    int hit;
    if (n == 1) {
        hit = (p[base] >= 0.5f) == (y[base] >= 0.5f);
    } else {
        hit = row_argmax(p + base, n, lane) == row_argmax(y + base, n, lane);
    }
    if (lane == 0) {
        rowLoss[row] = (double) loss;
        rowHits[row] = hit ? 1.0 : 0.0;
    }
}
