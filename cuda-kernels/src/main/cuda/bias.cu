// Bias add and bias gradient (Backend.addBias, Backend.biasGradient) for an m x n row-major
// tensor and a 1 x n bias. CPU twin: CpuBackend.addBias, CpuBackend.biasGradient; judge:
// ReferenceBackend's methods of the same names.
//
//   add_bias       x[i][j] += b[j]                                   (in place)
//   bias_gradient  grad[j] = beta * grad[j] + sum_i delta[i][j]; beta == 0 ignores grad's old
//                  contents (NaN included), as BLAS does for C.
//
// Launch: add_bias 1-D, 256 threads, grid-stride over m*n. bias_gradient: block (32, 8), grid
// ceil(n / 32): the 32 x-threads take 32 adjacent columns (coalesced row reads), the 8 y-threads
// take rows ty, ty+8, ... in ascending order; the 8 partials of a column are then added by one
// thread in ascending ty order. The order depends only on m, so the sum is deterministic.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU. With a batch of 256 and
// n <= a few thousand this kernel reads one activation-sized tensor: memory bound.

extern "C" __global__ void add_bias(float *x, const float *b, int m, int n) {
    unsigned total = (unsigned) m * (unsigned) n;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        x[i] += b[i % (unsigned) n];
    }
}

extern "C" __global__ void bias_gradient(const float *delta, float *grad, int m, int n, float beta) {
    __shared__ float partial[8][33];
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int col = blockIdx.x * 32 + tx;
    float s = 0.0f;
    if (col < n) {
        for (int r = ty; r < m; r += 8) {
            s += delta[(size_t) r * n + col];
        }
    }
    partial[ty][tx] = s;
    __syncthreads();
    if (ty == 0 && col < n) {
        float total = partial[0][tx];
        for (int k = 1; k < 8; ++k) {
            total += partial[k][tx];
        }
        grad[col] = beta == 0.0f ? total : beta * grad[col] + total;
    }
}
