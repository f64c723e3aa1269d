// Optimiser updates in place over tensors of n floats: Backend.sgdUpdate, Backend.momentumUpdate,
// Backend.nesterovUpdate, Backend.rmspropUpdate, Backend.adamUpdate. CPU twin: CpuBackend's
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
