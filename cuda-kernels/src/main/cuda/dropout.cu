// Inverted dropout, forward and backward: out[i][j] = in[i][j] * mask[i][j] for an m x n
// row-major tensor, mask = scale (kept) or 0 (dropped), scale = 1/(1 - rate) computed on the host.
//
//   dropout   element (i, j) is kept when the first word of Philox-4x32-10 at counter
//             (j, i, step, layer) and key (k0, k1) = (seed low, seed high), as an unsigned
//             number, is >= threshold = floor(rate * 2^32) (computed on the host). The backward
//             pass calls the same kernel with the same key on the output gradient: the mask is
//             drawn again instead of stored.
//
// CPU twin: org.backprop.core.Philox.kept (the generator) and CpuOps.dropout (the loop); the
// reference builds the mask from Philox.block, checked against the Random123 known answers.
//
// Launch: 1-D, 256 threads, grid = min(ceil(m*n/256), 65535), grid-stride over m*n.
//
// Versions tried: v1 (this one), one Philox block (10 rounds, 4 words) per element using one
// word. Speed UNMEASURED: no GPU in the session that wrote this. Ten rounds of two 32-bit
// multiplies per element are far below an H100's integer rate at MNIST sizes; if it ever shows,
// v2 would use all four words for four adjacent columns.

__device__ __forceinline__ unsigned philox_word(unsigned c0, unsigned c1, unsigned c2, unsigned c3,
                                                 unsigned k0, unsigned k1) {
    const unsigned M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += W0;
            k1 += W1;
        }
        unsigned hi0 = __umulhi(M0, c0), lo0 = M0 * c0;
        unsigned hi1 = __umulhi(M1, c2), lo1 = M1 * c2;
        unsigned n0 = hi1 ^ c1 ^ k0;
        unsigned n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
    }
    return c0;
}

extern "C" __global__ void dropout(const float *in, float *out, int m, int n, int k0, int k1,
                                   int step, int layer, int threshold, float scale) {
    unsigned total = (unsigned) m * (unsigned) n;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        unsigned row = i / (unsigned) n;
        unsigned col = i - row * (unsigned) n;
        unsigned w = philox_word(col, row, (unsigned) step, (unsigned) layer, (unsigned) k0, (unsigned) k1);
        out[i] = w >= (unsigned) threshold ? in[i] * scale : 0.0f;
    }
}
