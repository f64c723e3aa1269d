// The second pass of every deterministic reduction (see reductions.cuh): acc[0] += the sum of k
// double partials, added in a fixed order in double and rounded once. The losses, the metrics and
// softmax_cross_entropy write their partials to a scratch buffer, then CudaBackend launches this.
// CPU twin: the accumulator additions in CpuBackend (partials summed in double, in order).
//
// Launch: exactly one block of 256 threads.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU; k is at most 1024 or the batch.

#include "reductions.cuh"

extern "C" __global__ void add_partials(const double *partials, int k, float *acc) {
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
