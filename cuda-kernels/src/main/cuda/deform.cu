// Backend.deformImages (kernel `deform_images`): the training batch's random deformations, each row
// of src a side x side image, dst(x, y) = bilinear(src, x', y') (0 outside the image) with
//
//   affine   u = x - c - tx, v = y - c - ty, c = (side - 1)/2
//            x' = c + ( cos t * u + sin t * v)/gx,  y' = c + (-sin t * u + cos t * v)/gy
//   elastic  x' += alpha * (G * Ux)(x, y),  y' += alpha * (G * Uy)(x, y)
//
// t = rotate*pi/180*u0, gx = 1 + scale*u1, gy = 1 + scale*u2, tx = shift*u3, ty = shift*u4; Ux, Uy
// uniform(-1, 1) per pixel; G the normalised Gaussian of std sigma truncated at floor(4 sigma + 1/2)
// (zero outside the image), rows then columns. Every uniform is a Philox word at key (k0, k1) and
// counter (block, firstRow + image, epoch, 0xFFFFFFFE): block 0 holds u0..u3, block 1 u4, block
// 2 + p/2 the pair (Ux, Uy) of pixel p in words 2(p % 2), 2(p % 2) + 1; uniform(w) =
// (2(w >> 8) + 1 - 2^24) * 2^-24, exact in float.
//
// CPU twin: org.backprop.data.Deformation (apply, smooth, warp, bilinear), which CpuBackend runs
// one image per task and which is the reference; the same float operations in the same order,
// except where nvcc fuses a multiply-add (the catalogue's bound allows for it).
//
// Launch: one block of 256 threads per image (grid = rows); the noise, the row pass and the taps
// sit in static shared memory, so side <= 32 (DEFORM_MAX_SIDE); CudaBackend deforms larger images
// on the host, by the definition.
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU; per image about 2 x 784 x 49
// multiply-adds for the field and 784 bilinear reads: far below a training step's GEMMs.

#include "philox.cuh"

#define DEFORM_MAX_SIDE 32
#define DEFORM_MAX_PIXELS (DEFORM_MAX_SIDE * DEFORM_MAX_SIDE)

__device__ __forceinline__ float deform_uniform(unsigned w) {
    return (float) ((int) (2u * (w >> 8) + 1u) - 16777216) * 5.9604644775390625e-8f;
}

__device__ __forceinline__ float deform_pixel(const float *img, int side, int x, int y) {
    return x < 0 || y < 0 || x >= side || y >= side ? 0.0f : img[y * side + x];
}

__device__ float deform_bilinear(const float *img, int side, float sx, float sy) {
    float fx = floorf(sx), fy = floorf(sy);
    if (!(fx > -2.0f && fy > -2.0f && fx < (float) side && fy < (float) side)) {
        return 0.0f;
    }
    int x0 = (int) fx, y0 = (int) fy;
    float ax = sx - fx, ay = sy - fy;
    float p00 = deform_pixel(img, side, x0, y0), p10 = deform_pixel(img, side, x0 + 1, y0);
    float p01 = deform_pixel(img, side, x0, y0 + 1), p11 = deform_pixel(img, side, x0 + 1, y0 + 1);
    float top = p00 + ax * (p10 - p00);
    float bottom = p01 + ax * (p11 - p01);
    return top + ay * (bottom - top);
}

// parts: bit 0 affine, bit 1 elastic
extern "C" __global__ void deform_images(const float *src, float *dst, int rows, int side, int parts,
                                         float rotate, float scale, float shift, float sigma, float alpha,
                                         int k0, int k1, int epoch, int firstRow) {
    __shared__ float noise[2 * DEFORM_MAX_PIXELS];
    __shared__ float pass[2 * DEFORM_MAX_PIXELS];
    __shared__ float taps[DEFORM_MAX_SIDE];
    int image = blockIdx.x;
    if (image >= rows || side > DEFORM_MAX_SIDE) {
        return;   // the whole block: no barrier is left waiting
    }
    const unsigned STREAM = 0xFFFFFFFEu;
    unsigned row = (unsigned) (firstRow + image), ep = (unsigned) epoch;
    int p = side * side;
    const float *in = src + (size_t) image * p;
    float *out = dst + (size_t) image * p;
    bool affine = (parts & 1) != 0, elastic = (parts & 2) != 0;

    float theta = 0.0f, gx = 1.0f, gy = 1.0f, tx = 0.0f, ty = 0.0f;
    if (affine) {
        unsigned a[4], b[4];
        philox_block(0u, row, ep, STREAM, (unsigned) k0, (unsigned) k1, a);
        philox_block(1u, row, ep, STREAM, (unsigned) k0, (unsigned) k1, b);
        theta = (float) ((double) rotate * 3.141592653589793 / 180.0) * deform_uniform(a[0]);
        gx = 1.0f + scale * deform_uniform(a[1]);
        gy = 1.0f + scale * deform_uniform(a[2]);
        tx = shift * deform_uniform(a[3]);
        ty = shift * deform_uniform(b[0]);
    }
    int reach = 0;
    if (elastic) {
        int radius = (int) (4.0 * (double) sigma + 0.5);
        reach = min(radius, side - 1);
        if ((int) threadIdx.x <= reach) {
            if (radius == 0) {
                taps[0] = 1.0f;
            } else {
                double twoS2 = 2.0 * (double) sigma * (double) sigma, sum = 0.0;
                for (int k = -radius; k <= radius; k++) {
                    sum += exp(-(double) k * k / twoS2);
                }
                double k = (double) threadIdx.x;
                taps[threadIdx.x] = (float) (exp(-k * k / twoS2) / sum);
            }
        }
        for (int i = 2 * threadIdx.x; i < p; i += 2 * blockDim.x) {
            unsigned w[4];
            philox_block(2u + (unsigned) (i / 2), row, ep, STREAM, (unsigned) k0, (unsigned) k1, w);
            noise[i] = deform_uniform(w[0]);
            noise[p + i] = deform_uniform(w[1]);
            if (i + 1 < p) {
                noise[i + 1] = deform_uniform(w[2]);
                noise[p + i + 1] = deform_uniform(w[3]);
            }
        }
    }
    __syncthreads();
    if (elastic) {
        // the row pass of both fields
        for (int i = threadIdx.x; i < 2 * p; i += blockDim.x) {
            int field = i < p ? 0 : p;
            int q = i - field, y = q / side, x = q - y * side;
            float s = 0.0f;
            for (int k = max(-reach, -x); k <= min(reach, side - 1 - x); k++) {
                s += taps[k < 0 ? -k : k] * noise[field + y * side + x + k];
            }
            pass[i] = s;
        }
    }
    __syncthreads();
    float c = (side - 1) * 0.5f;
    float cs = (float) cos((double) theta), sn = (float) sin((double) theta);
    for (int q = threadIdx.x; q < p; q += blockDim.x) {
        int y = q / side, x = q - y * side;
        float u = x - c - tx, v = y - c - ty;
        float sx = c + (cs * u + sn * v) / gx;
        float sy = c + (-sn * u + cs * v) / gy;
        if (elastic) {
            float ex = 0.0f, ey = 0.0f;
            for (int k = max(-reach, -y); k <= min(reach, side - 1 - y); k++) {
                float t = taps[k < 0 ? -k : k];
                ex += t * pass[(y + k) * side + x];
                ey += t * pass[p + (y + k) * side + x];
            }
            sx += alpha * ex;
            sy += alpha * ey;
        }
        out[q] = deform_bilinear(in, side, sx, sy);
    }
}
