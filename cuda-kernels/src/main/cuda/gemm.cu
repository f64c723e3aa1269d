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
// Products accumulate with fmaf in ascending k: deterministic (the split-k variant below adds its
// partials in a fixed order, so it is deterministic too).
//
// Checked so far without a GPU: ptxas accepts it for sm_75..sm_120 (register and shared-memory
// counts in ptx/RESOURCES.txt), and the emulated driver (src/test/emulation) runs this very source
// on the CPU, inside the contract suite, for all four transposes, beta = 0 over NaN, and sizes
// crossing tile edges in m, n and k. Not yet run on a GPU.
//
// Versions (ptxas -v registers / static shared memory per block, sm_80 and sm_90; all 256 threads,
// no spills; speed not yet measured on a GPU):
//   v1  128x128 tile, k step 8, register prefetch (below): gemm_nn/nt/tn/tt 119-124 / 127 regs,
//       8448 B. Also the fused dense-layer entries (same tile, an epilogue each): linear_forward
//       (bias + activation), linear_input_gradient (× f′ of the layer below), linear_gradients
//       (bias gradient as a row of ones under Xᵀ): 119-123 / 127 regs, 8448 B.
//   v2  narrow, 64x16 tile, k step 32, for n <= 16 (the 10-wide output layer): *_narrow,
//       32-40 / 32 regs, 10368 B. Chosen per shape in CudaBackend (-Dbackprop.cuda.gemmTile).
//   v2  split-k for Xᵀ·δ (k = batch) where the tile grid leaves SMs idle: linear_gradients_split
//       123 / 127 regs, 8448 B, plus reduce_splits 32 regs, 0 B (-Dbackprop.cuda.splitK).
// Planned comparison: torch.matmul with TF32 off in the same run, and the FLOP floor (2mnk over
// the fp32 rate measured there: scripts/device-run.sh PHASE=3). Not done: a TF32 tensor-core tile.

#define BM 128
#define BN 128
#define BK 8
#define PAD 4

// ONES: op(A) has an extra row of ones at i = m (the bias row of linear_gradients).
template <bool TA, bool ONES>
__device__ __forceinline__ void load_a(const float *__restrict__ A, int lda, int m, int k,
                                       int row0, int k0, float ra[4]) {
    int t = threadIdx.x;
    if (!TA) {
        // op(A)[i][kk] = A[i*lda + kk]: two threads per row, 4 consecutive k each
        int i = row0 + (t >> 1);
        int kb = k0 + (t & 1) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            ra[q] = (i < m && kb + q < k) ? A[(size_t) i * lda + kb + q]
                    : (ONES && i == m && kb + q < k) ? 1.0f : 0.0f;
        }
    } else {
        // op(A)[i][kk] = A[kk*lda + i]: 32 threads per k row, 4 consecutive i each
        int kk = k0 + (t >> 5);
        int ib = row0 + (t & 31) * 4;
#pragma unroll
        for (int q = 0; q < 4; ++q) {
            ra[q] = (kk < k && ib + q < m) ? A[(size_t) kk * lda + ib + q]
                    : (ONES && kk < k && ib + q == m) ? 1.0f : 0.0f;
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

// What happens to alpha·(A·B) on its way to C (the fused Backend ops):
//   EPI_PLAIN     C = alpha·AB + beta·C                       (gemm)
//   EPI_BIAS_ACT  C = f(AB + E[c])                            (linearForward: E = bias)
//   EPI_DACT      C = AB ⊙ f′, f′ from E[r][c] = f's output   (linearInputGradient: E = below)
//   EPI_BIAS_ROW  C = AB, and row m of [A; 1ᵀ]·B into E       (linearGradients: E = bias gradient)
// The activation formulas are activations.cu's, in the same order, so an epilogue gives the bits
// of the plain kernel it replaces.
#define EPI_PLAIN 0
#define EPI_BIAS_ACT 1
#define EPI_DACT 2
#define EPI_BIAS_ROW 3

__device__ __forceinline__ float unit_forward(float v, int act) {
    switch (act) {
        case 1: return 1.0f / (1.0f + expf(-v));
        case 2: return tanhf(v);
        case 3: return v > 0.0f ? v : 0.0f;
        default: return v;
    }
}

__device__ __forceinline__ float unit_backward(float dy, float y, int act) {
    switch (act) {
        case 1: return dy * y * (1.0f - y);
        case 2: return dy * (1.0f - y * y);
        case 3: return y > 0.0f ? dy : 0.0f;
        default: return dy;
    }
}

// C[r][c] (or the bias row) from v = alpha·(AB)[r][c], as the epilogue says.
template <int EPI>
__device__ __forceinline__ void store_out(int r, int c, int m, float v, float beta, float *__restrict__ C, int ldc,
                                          float *__restrict__ E, int act) {
    size_t at = (size_t) r * ldc + c;
    if (EPI == EPI_PLAIN) {
        C[at] = beta == 0.0f ? v : v + beta * C[at];
    } else if (EPI == EPI_BIAS_ACT) {
        C[at] = unit_forward(v + E[c], act);
    } else if (EPI == EPI_DACT) {
        C[at] = unit_backward(v, E[at], act);
    } else if (r == m) {
        E[c] = v;
    } else {
        C[at] = v;
    }
}

// k runs over [kBegin, k): the whole product, or one split of a split-k product.
template <bool TA, bool TB, int EPI>
__device__ __forceinline__ void gemm_body(int m, int n, int k, float alpha,
                                           const float *__restrict__ A, int lda,
                                           const float *__restrict__ B, int ldb,
                                           float beta, float *__restrict__ C, int ldc,
                                           float *__restrict__ E, int act, int kBegin = 0) {
    constexpr bool ONES = EPI == EPI_BIAS_ROW;
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
    const int tiles = k > kBegin ? (k - kBegin + BK - 1) / BK : 0;

    load_a<TA, ONES>(A, lda, m, k, row0, kBegin, ra);
    load_b<TB>(B, ldb, n, k, col0, kBegin, rb);
    store_a<TA>(As, ra);
    store_b<TB>(Bs, rb);
    __syncthreads();

    for (int tile = 0; tile < tiles; ++tile) {
        const bool more = tile + 1 < tiles;
        if (more) {
            load_a<TA, ONES>(A, lda, m, k, row0, kBegin + (tile + 1) * BK, ra);
            load_b<TB>(B, ldb, n, k, col0, kBegin + (tile + 1) * BK, rb);
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
        if (r > m || (!ONES && r == m)) {
            continue;
        }
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            int c = col0 + (j < 4 ? tx * 4 + j : 64 + tx * 4 + (j - 4));
            if (c < n) {
                store_out<EPI>(r, c, m, alpha * acc[i][j], beta, C, ldc, E, act);
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
gemm_nn(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<false, false, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_nt(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<false, true, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_tn(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<true, false, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_tt(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
         float beta, float *C, int ldc) {
    gemm_body<true, true, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

// The fused dense-layer products (Backend.linearForward, linearInputGradient, linearGradients):
// the same tile with the epilogues above, so each replaces a GEMM plus one elementwise or
// reduction launch. Launch as the GEMM; linear_gradients's grid covers m + 1 rows (the bias row).
extern "C" __global__ void __launch_bounds__(256)
linear_forward(int m, int n, int k, const float *X, int ldx, const float *W, int ldw,
               float *bias, int act, float *Y, int ldy) {
    gemm_body<false, false, EPI_BIAS_ACT>(m, n, k, 1.0f, X, ldx, W, ldw, 0.0f, Y, ldy, bias, act);
}

extern "C" __global__ void __launch_bounds__(256)
linear_input_gradient(int m, int n, int k, const float *D, int ldd, const float *W, int ldw,
                      float *below, int act, float *DX, int lddx) {
    gemm_body<false, true, EPI_DACT>(m, n, k, 1.0f, D, ldd, W, ldw, 0.0f, DX, lddx, below, act);
}

extern "C" __global__ void __launch_bounds__(256)
linear_gradients(int m, int n, int k, const float *X, int ldx, const float *D, int ldd,
                 float *GW, int ldgw, float *GB) {
    gemm_body<true, false, EPI_BIAS_ROW>(m, n, k, 1.0f, X, ldx, D, ldd, 0.0f, GW, ldgw, GB, 0);
}

// ---------------------------------------------------------------------------------------------
// v2, narrow: for n <= 16 (the 10-wide output layer: its forward product X·W and its weight
// gradient Xᵀ·δ), where the 128x128 tile computes 10 of its 128 columns. A block of 256 threads
// takes a 64 x 16 tile of C, walking k in steps of 32: the 64x32 slice of op(A) and the 32x16 slice
// of op(B) are staged in shared memory (k-major, As padded by one float against bank conflicts);
// thread t owns column t % 16 of rows 4·(t / 16) .. +3. Grid (ceil(n / 16), ceil(rows / 64)). The
// same epilogues and the same ascending-k fmaf accumulation per element as the wide tile.
#define NBM 64
#define NBN 16
#define NBK 32

template <bool TA, bool TB, int EPI>
__device__ __forceinline__ void gemm_narrow_body(int m, int n, int k, float alpha,
                                                  const float *__restrict__ A, int lda,
                                                  const float *__restrict__ B, int ldb,
                                                  float beta, float *__restrict__ C, int ldc,
                                                  float *__restrict__ E, int act) {
    constexpr bool ONES = EPI == EPI_BIAS_ROW;
    __shared__ float As[NBK][NBM + 1];
    __shared__ float Bs[NBK][NBN];
    const int t = threadIdx.x;
    const int col = t & 15;
    const int rowq = (t >> 4) * 4;
    const int row0 = blockIdx.y * NBM;
    const int col0 = blockIdx.x * NBN;
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int k0 = 0; k0 < k; k0 += NBK) {
        // op(A) slice: 64 x 32 = 2048 values, 8 per thread
#pragma unroll
        for (int q = 0; q < 8; ++q) {
            int e = t + q * 256;
            int i, kk;
            if (!TA) { i = e >> 5; kk = e & 31; } else { kk = e >> 6; i = e & 63; }
            int gi = row0 + i;
            int gk = k0 + kk;
            float v = 0.0f;
            if (gk < k) {
                if (gi < m) {
                    v = TA ? A[(size_t) gk * lda + gi] : A[(size_t) gi * lda + gk];
                } else if (ONES && gi == m) {
                    v = 1.0f;
                }
            }
            As[kk][i] = v;
        }
        // op(B) slice: 32 x 16 = 512 values, 2 per thread
#pragma unroll
        for (int q = 0; q < 2; ++q) {
            int e = t + q * 256;
            int kk, j;
            if (!TB) { kk = e >> 4; j = e & 15; } else { j = e >> 5; kk = e & 31; }
            int gj = col0 + j;
            int gk = k0 + kk;
            Bs[kk][j] = (gk < k && gj < n) ? (TB ? B[(size_t) gj * ldb + gk] : B[(size_t) gk * ldb + gj]) : 0.0f;
        }
        __syncthreads();
#pragma unroll 8
        for (int kk = 0; kk < NBK; ++kk) {
            float b = Bs[kk][col];
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                acc[i] = fmaf(As[kk][rowq + i], b, acc[i]);
            }
        }
        __syncthreads();
    }
    int c = col0 + col;
    if (c >= n) {
        return;
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        int r = row0 + rowq + i;
        if (r < m || (ONES && r == m)) {
            store_out<EPI>(r, c, m, alpha * acc[i], beta, C, ldc, E, act);
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
gemm_nn_narrow(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc) {
    gemm_narrow_body<false, false, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_nt_narrow(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc) {
    gemm_narrow_body<false, true, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_tn_narrow(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc) {
    gemm_narrow_body<true, false, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

extern "C" __global__ void __launch_bounds__(256)
gemm_tt_narrow(int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc) {
    gemm_narrow_body<true, true, EPI_PLAIN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nullptr, 0);
}

extern "C" __global__ void __launch_bounds__(256)
linear_forward_narrow(int m, int n, int k, const float *X, int ldx, const float *W, int ldw,
                      float *bias, int act, float *Y, int ldy) {
    gemm_narrow_body<false, false, EPI_BIAS_ACT>(m, n, k, 1.0f, X, ldx, W, ldw, 0.0f, Y, ldy, bias, act);
}

extern "C" __global__ void __launch_bounds__(256)
linear_input_gradient_narrow(int m, int n, int k, const float *D, int ldd, const float *W, int ldw,
                             float *below, int act, float *DX, int lddx) {
    gemm_narrow_body<false, true, EPI_DACT>(m, n, k, 1.0f, D, ldd, W, ldw, 0.0f, DX, lddx, below, act);
}

extern "C" __global__ void __launch_bounds__(256)
linear_gradients_narrow(int m, int n, int k, const float *X, int ldx, const float *D, int ldd,
                        float *GW, int ldgw, float *GB) {
    gemm_narrow_body<true, false, EPI_BIAS_ROW>(m, n, k, 1.0f, X, ldx, D, ldd, 0.0f, GW, ldgw, GB, 0);
}

// ---------------------------------------------------------------------------------------------
// v2, split-k for the weight gradient Xᵀ·δ, whose k is the batch (256 in the reference MLP): a
// 1024 x 1024 gradient is only 64 wide tiles, fewer than a big GPU's SMs, each walking all of k.
// linear_gradients_split runs gridDim.z splits, split z over k in [z·kChunk, (z+1)·kChunk), each
// writing its (m + 1) x n partial product of [Xᵀ; 1ᵀ]·δ (bias row included) into P; then
// reduce_splits adds the partials of each element in ascending z — a fixed order, so the result
// is deterministic (no atomics) — into the weight and bias gradients. Two launches for more
// parallel blocks: worth it where the tile grid leaves SMs idle (picked in Java per shape).
extern "C" __global__ void __launch_bounds__(256)
linear_gradients_split(int m, int n, int k, int kChunk, const float *X, int ldx, const float *D, int ldd,
                       float *P) {
    int z = blockIdx.z;
    float *Pz = P + (size_t) z * (size_t) (m + 1) * n;
    int kBegin = z * kChunk;
    int kEnd = min(k, kBegin + kChunk);
    gemm_body<true, false, EPI_BIAS_ROW>(m, n, kEnd, 1.0f, X, ldx, D, ldd, 0.0f, Pz, n, Pz + (size_t) m * n, 0,
                                         kBegin);
}

extern "C" __global__ void reduce_splits(const float *P, int splits, int m, int n, float *GW, int ldgw, float *GB) {
    unsigned total = (unsigned) (m + 1) * (unsigned) n;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += stride) {
        float s = 0.0f;
        for (int z = 0; z < splits; ++z) {
            s += P[(size_t) z * total + e];
        }
        unsigned r = e / (unsigned) n;
        unsigned c = e - r * (unsigned) n;
        if (r == (unsigned) m) {
            GB[c] = s;
        } else {
            GW[(size_t) r * ldgw + c] = s;
        }
    }
}
