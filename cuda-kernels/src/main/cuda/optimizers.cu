// Optimiser updates in place over tensors of n floats: Backend.sgdUpdate, Backend.momentumUpdate,
// Backend.nesterovUpdate, Backend.rmspropUpdate, Backend.adamUpdate; and the constraint applied
// after them, Backend.maxNorm (max_norm, at the end). CPU twin: CpuBackend's
// methods of the same names; judge: ReferenceBackend's.
//
//   sgd_update       p -= lr * g
//   momentum_update  v = mu * v + g;  p -= lr * v                        (PyTorch's form)
//   nesterov_update  v = mu * v + g;  p -= lr * (g + mu * v)             (PyTorch's form)
//   rmsprop_update   s = alpha * s + (1 - alpha) * g^2;  p -= lr * g / (sqrt(s) + eps)
//   adam_update      m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;
//                    p -= lr * (m / bc1) / (sqrt(v / bc2) + eps)
//                    with bc1 = 1 - b1^t, bc2 = 1 - b2^t computed on the host in double
//
// Launch: 1-D, 256 threads, grid = min(ceil(n/256), 65535), grid-stride.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU. Adam moves 4 tensors in and
// 3 out: 28 bytes per parameter, memory bound.

extern "C" __global__ void sgd_update(float *p, const float *g, float lr, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        p[i] -= lr * g[i];
    }
}

extern "C" __global__ void momentum_update(float *p, const float *g, float *v, float lr, float mu, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        float vel = mu * v[i] + g[i];
        v[i] = vel;
        p[i] -= lr * vel;
    }
}

extern "C" __global__ void adam_update(float *p, const float *g, float *m, float *v,
                                       float lr, float b1, float b2, float eps,
                                       float bc1, float bc2, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        float gv = g[i];
        float mv = b1 * m[i] + (1.0f - b1) * gv;
        float vv = b2 * v[i] + (1.0f - b2) * gv * gv;
        m[i] = mv;
        v[i] = vv;
        p[i] -= lr * (mv / bc1) / (sqrtf(vv / bc2) + eps);
    }
}

extern "C" __global__ void nesterov_update(float *p, const float *g, float *v, float lr, float mu, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        float gv = g[i];
        float vel = mu * v[i] + gv;
        v[i] = vel;
        p[i] -= lr * (gv + mu * vel);
    }
}

extern "C" __global__ void rmsprop_update(float *p, const float *g, float *s, float lr, float alpha,
                                          float eps, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        float gv = g[i];
        float sv = alpha * s[i] + (1.0f - alpha) * gv * gv;
        s[i] = sv;
        p[i] -= lr * gv / (sqrtf(sv) + eps);
    }
}

// sgd_update_many (Backend.sgdUpdate over many tensors, the rate on the device): up to 8
// (param, grad, size) triples in one launch, grid (x, count); blockIdx.y picks the tensor, and the
// x blocks stride over it as sgd_update does. The rate is read from device memory, so a recorded
// training step follows the learning-rate schedule without being recorded again. Unused slots
// repeat a used one with size 0. Per element the same p -= lr * g as sgd_update: the same bits.
extern "C" __global__ void sgd_update_many(const float *lr, int count, float *p0, const float *g0, int n0, float *p1, const float *g1, int n1, float *p2, const float *g2, int n2, float *p3, const float *g3, int n3, float *p4, const float *g4, int n4, float *p5, const float *g5, int n5, float *p6, const float *g6, int n6, float *p7, const float *g7, int n7) {
    if ((int) blockIdx.y >= count) {
        return;
    }
    float *p;
    const float *g;
    int n;
    switch (blockIdx.y) {
        case 0: p = p0; g = g0; n = n0; break;
        case 1: p = p1; g = g1; n = n1; break;
        case 2: p = p2; g = g2; n = n2; break;
        case 3: p = p3; g = g3; n = n3; break;
        case 4: p = p4; g = g4; n = n4; break;
        case 5: p = p5; g = g5; n = n5; break;
        case 6: p = p6; g = g6; n = n6; break;
        case 7: p = p7; g = g7; n = n7; break;
        default: return;
    }
    float rate = *lr;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        p[i] -= rate * g[i];
    }
}

// max_norm (Backend.maxNorm, Keras's MaxNorm): w is rows x cols row-major (inputs x outputs), so a
// unit's incoming weights are a column. One thread per column, grid-stride over the columns: it
// sums the column's squares in row order (adjacent threads read adjacent floats: coalesced), then
// scales the column by min(norm, c) / (1e-7 + norm). Each column's sum has one order, so the bits
// never depend on the launch shape. Launch: 1-D, 256 threads, grid = min(ceil(cols/256), 65535).
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU; it reads the weights twice and
// writes them once, and a layer of under ~10k units leaves most of a large GPU idle.
extern "C" __global__ void max_norm(float *w, int rows, int cols, float c) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned j = blockIdx.x * blockDim.x + threadIdx.x; j < (unsigned) cols; j += stride) {
        float sum = 0.0f;
        for (int i = 0; i < rows; i++) {
            float x = w[(size_t) i * cols + j];
            sum += x * x;
        }
        float norm = sqrtf(sum);
        float scale = fminf(norm, c) / (1e-7f + norm);
        for (int i = 0; i < rows; i++) {
            w[(size_t) i * cols + j] *= scale;
        }
    }
}
