// Deterministic reductions shared by softmax.cu, losses.cu, metrics.cu and reductions.cu.
//
// Why deterministic: Backend's contract says reductions run in an order that does not depend on
// the thread count, and CPU/GPU parity plus run-to-run reproducibility are far easier to test
// when the same inputs always give the same bits. So no atomicAdd on floats anywhere: a sum is
// (1) per-thread partials over a fixed stride, (2) a fixed warp butterfly, (3) a fixed
// shared-memory combine. The partition depends only on the launch shape, which Java derives from
// the tensor shape alone.
#pragma once

#define FULL_MASK 0xffffffffu

// Butterfly (xor) sum: every lane ends with the same bits, since each pairwise step adds the
// same two operands (float addition is commutative).
__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(FULL_MASK, v, offset);
    }
    return v;
}

__device__ __forceinline__ double warp_sum_d(double v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(FULL_MASK, v, offset);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, offset));
    }
    return v;
}

// Argmax over a warp where each lane holds (value, index) of the first maximum of its own
// ascending subsequence. Larger value wins; on a tie the smaller index wins, which reproduces a
// sequential first-maximum scan for NaN-free rows.
__device__ __forceinline__ void warp_argmax(float &v, int &idx) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        float ov = __shfl_xor_sync(FULL_MASK, v, offset);
        int oi = __shfl_xor_sync(FULL_MASK, idx, offset);
        if (ov > v || (ov == v && oi < idx)) {
            v = ov;
            idx = oi;
        }
    }
}

// Sum over a whole block (blockDim.x a multiple of 32, at most 1024). The result is valid in
// thread 0 only. Uses 32 doubles of shared memory provided by the caller.
__device__ __forceinline__ double block_sum_d(double v, double *shared32) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_sum_d(v);
    if (lane == 0) {
        shared32[warp] = v;
    }
    __syncthreads();
    double total = 0.0;
    if (threadIdx.x == 0) {
        int warps = blockDim.x >> 5;
        for (int w = 0; w < warps; ++w) {
            total += shared32[w];   // fixed ascending order
        }
    }
    return total;
}

// First maximum of a row, for a warp walking it with stride 32 (count_correct, argmax and the
// softmax + cross-entropy pass that counts correct rows).
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
