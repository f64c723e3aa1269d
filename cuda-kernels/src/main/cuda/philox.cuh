// Philox-4x32-10 (Salmon et al., SC'11), the counter-based generator every random op draws from:
// the four words of the block at counter (c0, c1, c2, c3) and key (k0, k1). Its CPU twin is
// org.backprop.core.Philox.block, held to the Random123 known answers; dropout.cu and deform.cu
// key it as their CPU twins do.
#pragma once

__device__ __forceinline__ void philox_block(unsigned c0, unsigned c1, unsigned c2, unsigned c3,
                                             unsigned k0, unsigned k1, unsigned out[4]) {
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
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}
