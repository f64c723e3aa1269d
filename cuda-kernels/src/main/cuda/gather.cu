// Minibatch gather (Backend.gatherRows): dst[r][c] = src[idx[start + r]][c] for every row r of
// dst (rows x cols). CPU twin: CpuBackend.gatherRows; judge: ReferenceBackend.gatherRows.
//
// Java checks the indices on the host when it knows them (they were uploaded from the host); for
// indices written on the device (argmax) it cannot without a sync, so the kernel itself never
// reads outside src: a row index outside [0, srcRows) fills that destination row with NaN, which
// the next finiteness check makes visible instead of reading foreign memory.
//
// Launch: 1-D, 256 threads, grid = min(ceil(rows*cols/256), 65535), grid-stride over dst, so
// consecutive threads copy consecutive columns of a row (coalesced on both sides).
//
// Versions tried: v1 (this one). Speed: not yet measured on a GPU. A batch of 256 MNIST rows is
// 800 KB: a few microseconds at HBM bandwidth.

extern "C" __global__ void gather_rows(const float *src, const int *idx, int start, float *dst,
                                       int srcRows, int rows, int cols) {
    unsigned total = (unsigned) rows * (unsigned) cols;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        unsigned r = i / (unsigned) cols;
        unsigned c = i - r * (unsigned) cols;
        int s = idx[start + r];
        dst[i] = (s >= 0 && s < srcRows) ? src[(size_t) s * cols + c] : __int_as_float(0x7fc00000);
    }
}

// gather_rows_at (Backend.gatherRows with the offset in device memory): gather_rows with
// start = *startAt, so one recorded step serves every batch of an epoch. A range past the index
// vector (count entries) writes NaN rather than reading outside it.
extern "C" __global__ void gather_rows_at(const float *src, const int *idx, const int *startAt, float *dst,
                                          int srcRows, int rows, int cols, int count) {
    int start = *startAt;
    bool inRange = start >= 0 && start + rows <= count;
    unsigned total = (unsigned) rows * (unsigned) cols;
    unsigned stride = blockDim.x * gridDim.x;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        unsigned r = i / (unsigned) cols;
        unsigned c = i - r * (unsigned) cols;
        int s = inRange ? idx[start + r] : -1;
        dst[i] = (s >= 0 && s < srcRows) ? src[(size_t) s * cols + c] : __int_as_float(0x7fc00000);
    }
}

// advance_index (Backend.advanceIndex): counter[0] += by, one thread; the last op of a recorded
// step moves the batch offset on for the next replay.
extern "C" __global__ void advance_index(int *counter, int by) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        counter[0] += by;
    }
}
