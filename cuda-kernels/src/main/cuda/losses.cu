// Losses whose value adds into a 1x1 accumulator: sigmoid fused with binary cross-entropy
// (Backend.sigmoidBinaryCrossEntropy) and squared error (Backend.squaredError). CPU twin:
// CpuBackend's methods of the same names; judge: ReferenceBackend's.
//
//   sigmoid_binary_cross_entropy  p = sigmoid(z), g = (p - y) / m, partial loss
//                                 max(z, 0) - z*y + log1p(exp(-|z|))
//                                 (= -[y log p + (1-y) log(1-p)], stable)
//   squared_error                 g = 2 (o - y) / m, partial loss (o - y)^2
//
// The loss is a deterministic two-pass reduction (see reductions.cuh): a grid of G blocks
// (G = min(ceil(n/256), 1024), a function of n only) each writes one double partial, then
// reductions.cu:add_partials (one block of 256) adds the G partials to the accumulator in double
// and rounds once. Per-thread partials are double too: the loss of a whole epoch is summed on the
// device, and double keeps that sum independent of how it was split.
//
// Launch: 1-D, 256 threads, grid G as above, grid-stride.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU. They are memory bound and run
// once per step on the output layer (batch x classes), so tiny.

#include "reductions.cuh"

extern "C" __global__ void sigmoid_binary_cross_entropy(const float *z, const float *y, float *p, float *g,
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
