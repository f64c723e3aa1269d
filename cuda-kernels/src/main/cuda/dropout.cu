// Backend.dropout and Backend.dropoutBackward (one kernel, `dropout`), inverted dropout: out[i][j] = in[i][j] * mask[i][j] for an m x n
// row-major tensor, mask = scale (kept) or 0 (dropped), scale = 1/(1 - rate) computed on the host.
//
//   dropout   element (i, j) is kept when word j % 4 of the Philox-4x32-10 block at counter
//             (j / 4, i, step, layer) and key (k0, k1) = (seed low, seed high), as an unsigned
//             number, is >= threshold = floor(rate * 2^32) (computed on the host). The backward
//             pass calls the same kernel with the same key on the output gradient: the mask is
//             drawn again instead of stored.
//
// CPU twin: CpuBackend.dropout / dropoutBackward (org.backprop.core.Philox.keptBits and
// CpuOps.dropout); judge: ReferenceBackend's, which builds the mask from Philox.block, checked
// against the Random123 known answers.
//
// Launch: 1-D, 256 threads, grid = min(ceil(m*n/256), 65535), grid-stride over m*n.
//
// Versions tried: v1 (this one), one thread per element, each computing its column group's whole
// block (10 rounds) and keeping one word: 4x the generator work of one thread per 4 columns, kept
// for the simple indexing. Speed: not yet measured on a GPU; ten rounds of
// two 32-bit multiplies per element are far below a current GPU's integer rate at MNIST sizes.

#include "philox.cuh"

__device__ __forceinline__ unsigned philox_word(unsigned c0, unsigned c1, unsigned c2, unsigned c3,
                                                 unsigned k0, unsigned k1, unsigned which) {
    unsigned w[4];
    philox_block(c0, c1, c2, c3, k0, k1, w);
    return which == 0 ? w[0] : which == 1 ? w[1] : which == 2 ? w[2] : w[3];   // constant indices: registers
}

extern "C" __global__ void dropout(const float *in, float *out, int m, int n, int k0, int k1,
                                   int step, int layer, int threshold, float scale) {
    unsigned total = (unsigned) m * (unsigned) n;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        unsigned row = i / (unsigned) n;
        unsigned col = i - row * (unsigned) n;
        unsigned w = philox_word(col >> 2, row, (unsigned) step, (unsigned) layer, (unsigned) k0, (unsigned) k1, col & 3u);
        out[i] = w >= (unsigned) threshold ? in[i] * scale : 0.0f;
    }
}
