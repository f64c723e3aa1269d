// Minimal CPU emulation of the CUDA features our kernels use: one std::thread per CUDA thread,
// __syncthreads as a block barrier, warp shuffles through per-warp slots and barriers.
#pragma once
#include <barrier>
#include <thread>
#include <vector>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <memory>
#include <functional>
struct dim3 { unsigned x = 1, y = 1, z = 1; };
inline thread_local dim3 threadIdx;
inline dim3 blockIdx, blockDim, gridDim;
inline std::barrier<> *g_block_barrier;
inline std::vector<std::unique_ptr<std::barrier<>>> g_warp_barriers;
inline double g_slots[1024];
#define __syncthreads() g_block_barrier->arrive_and_wait()
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(n)
#define __restrict__ __restrict
struct float4 { float x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int linear_tid() { return threadIdx.x + threadIdx.y * blockDim.x; }
template <class T> T __shfl_xor_sync(unsigned, T v, int off) {
    int t = linear_tid(); int lane = t & 31; int base = t & ~31;
    auto &b = *g_warp_barriers[t >> 5];
    std::memcpy(&g_slots[t], &v, sizeof(T));
    b.arrive_and_wait();
    T out; std::memcpy(&out, &g_slots[base + (lane ^ off)], sizeof(T));
    b.arrive_and_wait();
    return out;
}
template <class F> void launch(dim3 grid, dim3 block, F f) {
    gridDim = grid; blockDim = block;
    unsigned n = block.x * block.y;
    for (unsigned by = 0; by < grid.y; ++by)
        for (unsigned bx = 0; bx < grid.x; ++bx) {
            blockIdx = {bx, by, 1};
            std::barrier<> bar(n); g_block_barrier = &bar;
            g_warp_barriers.clear();
            for (unsigned w = 0; w < (n + 31) / 32; ++w) g_warp_barriers.emplace_back(new std::barrier<>(std::min(32u, n - w * 32)));
            std::vector<std::thread> ts;
            for (unsigned t = 0; t < n; ++t)
                ts.emplace_back([=] { threadIdx = {t % block.x, t / block.x, 1}; f(); });
            for (auto &t : ts) t.join();
        }
}
