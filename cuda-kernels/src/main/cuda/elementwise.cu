// Elementwise tensor utilities over n floats: Backend.fill (x = value), Backend.scale (x *= alpha,
// in place) and Backend.axpy (y += alpha * x; L2 weight decay adds lambda * param to the gradient).
// CPU twin: CpuBackend.fill, CpuBackend.scale, CpuBackend.axpy; judge: ReferenceBackend's.
//
// Launch: 1-D, 256 threads, grid = min(ceil(n/256), 65535), grid-stride.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU; memory bound.

extern "C" __global__ void scale(float *x, float alpha, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        x[i] *= alpha;
    }
}

extern "C" __global__ void fill(float *x, float value, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        x[i] = value;
    }
}

extern "C" __global__ void axpy(float alpha, const float *x, float *y, int n) {
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned) n; i += stride) {
        y[i] += alpha * x[i];
    }
}
