// Nesterov momentum and RMSprop updates (in place), and axpy, over tensors of n floats.
//
//   nesterov_update  v = mu * v + g;  p -= lr * (g + mu * v)                 (PyTorch's form)
//   rmsprop_update   s = alpha * s + (1 - alpha) * g^2;  p -= lr * g / (sqrt(s) + eps)
//   axpy             y += alpha * x      (L2 weight decay: grad += lambda * param)
//
// CPU twins: CpuOps.nesterovUpdate, CpuOps.rmspropUpdate, CpuOps.axpy.
//
// Launch: 1-D, 256 threads, grid = min(ceil(n/256), 65535), grid-stride.
//
// Versions tried: v1 (this one). Speed UNMEASURED: no GPU in the session that wrote this.
// Memory bound, like the updates in optim.cu.

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

extern "C" __global__ void axpy(float alpha, const float *x, float *y, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        y[i] += alpha * x[i];
    }
}
