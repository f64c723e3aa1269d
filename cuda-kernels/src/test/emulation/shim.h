// The CUDA C dialect our kernels use, for g++: enough to compile src/main/cuda/*.cu unchanged and
// run them on the CPU inside the emulated driver (driver.cpp). Every CUDA thread of a block is a
// fiber (its own small stack) on the launching host thread; __syncthreads and the warp shuffles
// are barriers the fiber yields at, and the scheduler resumes the fibers once every live thread
// of the block (or warp) has arrived. Kernels with no barrier in their PTX skip the fibers and run
// their threads one after another. A logic check, never a timing or memory-model check.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstddef>

struct dim3 { unsigned x = 1, y = 1, z = 1; };
struct float4 { float x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned) (((unsigned long long) a * b) >> 32); }

namespace emu {
// Set by the scheduler before each thread runs (one launch at a time, under the driver's lock).
extern dim3 threadIdx, blockIdx, blockDim, gridDim;
enum class Barrier { block, warp };
void barrier(Barrier kind);               // yields this fiber until its block / warp has arrived
double *shuffle_slots();                   // one slot per thread of the block
void shuffle_misuse(unsigned mask);        // a shuffle whose mask is not the whole warp
}  // namespace emu

using emu::threadIdx;
using emu::blockIdx;
using emu::blockDim;
using emu::gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
// Shared variables are statics in one section, which the driver fills with 0xff (NaN) before
// each block, as uninitialised shared memory would be: a kernel that reads shared memory it did
// not write sees NaN instead of the previous block's values.
#define __shared__ static __attribute__((section("emu_shared")))
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)
#define __restrict__ __restrict

// CUDA's integer min and max device functions
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

inline void __syncthreads() { emu::barrier(emu::Barrier::block); }
// the whole warp waits (CUDA: bar.warp.sync); a partial mask is not used by our kernels
inline void __syncwarp(unsigned mask = 0xffffffffu) {
    if (mask != 0xffffffffu) {
        emu::shuffle_misuse(mask);
    }
    emu::barrier(emu::Barrier::warp);
}

template <class T>
T __shfl_xor_sync(unsigned mask, T v, int laneMask) {
    static_assert(sizeof(T) <= sizeof(double), "shuffle of a type wider than 8 bytes");
    if (mask != 0xffffffffu) {
        emu::shuffle_misuse(mask);
    }
    unsigned t = threadIdx.x + threadIdx.y * blockDim.x + threadIdx.z * blockDim.x * blockDim.y;
    double *slots = emu::shuffle_slots();
    std::memcpy(&slots[t], &v, sizeof(T));
    emu::barrier(emu::Barrier::warp);   // every lane has written
    T out;
    std::memcpy(&out, &slots[(t & ~31u) + ((t & 31u) ^ (unsigned) laneMask)], sizeof(T));
    emu::barrier(emu::Barrier::warp);   // every lane has read before any writes again
    return out;
}
