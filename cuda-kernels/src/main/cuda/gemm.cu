// GEMM (Backend.gemm) in fp32, row-major: C = alpha * op(A) * op(B) + beta * C, op(A) m x k,
// op(B) k x n, C m x n. CPU twin: CpuBackend.gemm (cpu-fallback Gemm); judge: ReferenceBackend.gemm.
// Runs where cuBLAS cannot load, or with -Dbackprop.cuda.gemm=ptx.
// Leading dimensions are row strides: A is m x lda (lda >= k) untransposed or k x lda (lda >= m)
// transposed, likewise B; C is m x ldc. With beta == 0, C is never read, so NaN or garbage in it
// is ignored (the BLAS convention, and Backend.gemm's contract).
//
// Entries: gemm_nn, gemm_nt, gemm_tn, gemm_tt (first letter: A transposed?, second: B), all
// one template, so the four share one tested body and differ only in how a tile is fetched.
//
// Launch: 256 threads (1-D), grid (ceil(n/128), ceil(m/128)). Each block computes a 128 x 128
// tile of C, walking k in steps of 8:
//   - the 128x8 slice of op(A) and the 8x128 slice of op(B) are staged in shared memory, stored
//     k-major (As[kk][i], Bs[kk][j]) and padded by 4 floats per row, which makes both the
//     transposing scalar stores and the float4 reads bank-conflict free;
//   - each thread owns an 8x8 block of C in registers: rows {ty*4..ty*4+3, 64+ty*4..64+ty*4+3},
//     columns {tx*4.., 64+tx*4..} (tx = t % 16, ty = t / 16); the split halves let a warp read
//     contiguous float4s of the shared tiles;
//   - the next k-slice is loaded from global memory into registers while the current one is
//     multiplied (register prefetch), hiding part of the global latency with one shared buffer.
// Global reads are guarded element by element (zero outside the matrix), so any m, n, k >= 1 and
// any leading dimension work; no float4 global loads, because lda/ldb need not be multiples of 4.
// Products accumulate with fmaf in ascending k: deterministic, no split-k.
//
// Checked so far without a GPU: ptxas accepts it for sm_75..sm_120 (register and shared-memory
// counts in ptx/RESOURCES.txt), and the emulated driver (src/test/emulation) runs this very source
// on the CPU, inside the contract suite, for all four transposes, beta = 0 over NaN, and sizes
// crossing tile edges in m, n and k. Not yet run on a GPU.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU. Planned
// comparison: cuBLAS sgemm (when libcublas.so.12 loads) and the FLOP floor (2mnk over the FP32
// peak: about 60 TFLOP/s on an H100 SXM without tensor cores). Known weak spot: small n (the
// 10-class output layer) uses 10 of 128 columns of a tile; a 64x64 or skinny variant is the
// obvious v2 once it can be timed.

#define BM 128
#define BN 128
#define BK 8
#define PAD 4

template <bool TA>
__device__ __forceinline__ void load_a(const float *__restrict__ A, int lda, int m, int k,
                                       int row0, int k0, float ra[4]) {
    int t = threadIdx.x;
    if (!TA) {
        // op(A)[i][kk] = A[i*lda + kk]: two threads per row, 4 consecutive k each
        int i = row0 + (t >> 1);
        int kb = k0 + (t & 1) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            ra[q] = (i < m && kb + q < k) ? A[(size_t) i * lda + kb + q] : 0.0f;
        }
    } else {
        // op(A)[i][kk] = A[kk*lda + i]: 32 threads per k row, 4 consecutive i each
        int kk = k0 + (t >> 5);
        int ib = row0 + (t & 31) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            ra[q] = (kk < k && ib + q < m) ? A[(size_t) kk * lda + ib + q] : 0.0f;
        }
    }
}

template <bool TA>
__device__ __forceinline__ void store_a(float (*As)[BM + PAD], const float ra[4]) {
    int t = threadIdx.x;
    if (!TA) {
        int i = t >> 1;
        int kb = (t & 1) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            As[kb + q][i] = ra[q];
        }
    } else {
        int kk = t >> 5;
        int ib = (t & 31) * 4;
        *reinterpret_cast<float4 *>(&As[kk][ib]) = make_float4(ra[0], ra[1], ra[2], ra[3]);
    }
}

template <bool TB>
__device__ __forceinline__ void load_b(const float *__restrict__ B, int ldb, int n, int k,
                                       int col0, int k0, float rb[4]) {
    int t = threadIdx.x;
    if (!TB) {
        // op(B)[kk][j] = B[kk*ldb + j]: 32 threads per k row, 4 consecutive j each
        int kk = k0 + (t >> 5);
        int jb = col0 + (t & 31) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            rb[q] = (kk < k && jb + q < n) ? B[(size_t) kk * ldb + jb + q] : 0.0f;
        }
    } else {
        // op(B)[kk][j] = B[j*ldb + kk]: two threads per j, 4 consecutive k each
        int j = col0 + (t >> 1);
        int kb = k0 + (t & 1) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            rb[q] = (j < n && kb + q < k) ? B[(size_t) j * ldb + kb + q] : 0.0f;
        }
    }
}

template <bool TB>
__device__ __forceinline__ void store_b(float (*Bs)[BN + PAD], const float rb[4]) {
    int t = threadIdx.x;
    if (!TB) {
        int kk = t >> 5;
        int jb = (t & 31) * 4;
        *reinterpret_cast<float4 *>(&Bs[kk][jb]) = make_float4(rb[0], rb[1], rb[2], rb[3]);
    } else {
        int j = t >> 1;
        int kb = (t & 1) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            Bs[kb + q][j] = rb[q];
        }
    }
}

template <bool TA, bool TB>
__device__ __forceinline__ void gemm_body(int m, int n, int k, float alpha,
                                           const float *__restrict__ A, int lda,
                                           const float *__restrict__ B, int ldb,
                                           float beta, float *__restrict__ C, int ldc) {
    __shared__ __align__(16) float As[BK][BM + PAD];
    __shared__ __align__(16) float Bs[BK][BN + PAD];

    const int t = threadIdx.x;
    const int tx = t & 15;
    const int ty = t >> 4;
    const int row0 = blockIdx.y * BM;
    const int col0 = blockIdx.x * BN;

    float acc[8][8];
#pragma unroll
    for (int i = 0; i < 8; ++i) {
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            acc[i][j] = 0.0f;
        }
    }

    float ra[4];
    float rb[4];
    const int tiles = (k + BK - 1) / BK;

    load_a<TA>(A, lda, m, k, row0, 0, ra);
    load_b<TB>(B, ldb, n, k, col0, 0, rb);
    store_a<TA>(As, ra);
    store_b<TB>(Bs, rb);
    __syncthreads();

    for (int tile = 0; tile < tiles; ++tile) {
        const bool more = tile + 1 < tiles;
        if (more) {
            load_a<TA>(A, lda, m, k, row0, (tile + 1) * BK, ra);
            load_b<TB>(B, ldb, n, k, col0, (tile + 1) * BK, rb);
        }
#pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            float4 a0 = *reinterpret_cast<const float4 *>(&As[kk][ty * 4]);
            float4 a1 = *reinterpret_cast<const float4 *>(&As[kk][64 + ty * 4]);
            float4 b0 = *reinterpret_cast<const float4 *>(&Bs[kk][tx * 4]);
            float4 b1 = *reinterpret_cast<const float4 *>(&Bs[kk][64 + tx * 4]);
            float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
            float b[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
            for (int i = 0; i < 8; ++i) {
#pragma unroll
                for (int j = 0; j < 8; ++j) {
                    acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
                }
            }
        }
        __syncthreads();   // everyone is done reading this slice
        if (more) {
            store_a<TA>(As, ra);
            store_b<TB>(Bs, rb);
            __syncthreads();
        }
    }

#pragma unroll
    for (int i = 0; i < 8; ++i) {
        int r = row0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + (i - 4));
        if (r >= m) {
            continue;
        }
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            int c = col0 + (j < 4 ? tx * 4 + j : 64 + tx * 4 + (j - 4));
            if (c < n) {
                size_t at = (size_t) r * ldc + c;
                float v = alpha * acc[i][j];
                C[at] = beta == 0.0f ? v : v + beta * C[at];
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
gemm_nn(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<false, false>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_nt(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<false, true>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_tn(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<true, false>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_tt(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<true, true>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
