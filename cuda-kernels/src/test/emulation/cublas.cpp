// An emulated libcublas.so.12 for the tests: the four cuBLAS calls JCublas2 makes for CudaBackend
// (create, destroy, version, SGEMM) plus the pointer mode JCublas2 asks about, exported under the
// libcublas.so.12 symbol version as the real library is. SGEMM is a column-major reference loop
// that checks its arguments as cuBLAS documents them (m, n, k >= 0; lda >= rows of A as stored,
// likewise ldb, ldc >= m) and every matrix extent against the emulated driver's live allocations.
// Never evidence about cuBLAS itself: it shows the backend's row-/column-major mapping is right.
#include <cstddef>
#include <cstdarg>
#include <cstdio>
#include <algorithm>
#include <set>
#include <vector>
#include <mutex>

#define API extern "C" __attribute__((visibility("default")))

extern "C" int backprop_emu_context_current();
extern "C" int backprop_emu_inside(const void *p, size_t bytes);
extern "C" void backprop_emu_misuse(const char *what);

enum { SUCCESS = 0, NOT_INITIALIZED = 1, INVALID_VALUE = 7 };
enum { OP_N = 0, OP_T = 1 };

namespace {
struct Handle { int pointerMode; };
std::mutex lock;
std::set<Handle *> handles;

int refuse(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int refuse(int status, const char *fmt, ...) {
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    backprop_emu_misuse(buf);
    return status;
}

bool known(Handle *h) {
    std::lock_guard<std::mutex> g(lock);
    return handles.count(h) != 0;
}

struct Reporter {
    ~Reporter() {
        if (!handles.empty()) fprintf(stderr, "emulated cuBLAS: %zu handles never destroyed\n", handles.size());
    }
} reporter;
}  // namespace

API int cublasCreate_v2(Handle **out) {
    if (!out) return refuse(INVALID_VALUE, "cublasCreate(NULL)");
    if (!backprop_emu_context_current()) return refuse(NOT_INITIALIZED, "cublasCreate with no current context");
    std::lock_guard<std::mutex> g(lock);
    Handle *h = new Handle{0};
    handles.insert(h);
    *out = h;
    return SUCCESS;
}

API int cublasDestroy_v2(Handle *h) {
    std::lock_guard<std::mutex> g(lock);
    if (!handles.erase(h)) return refuse(NOT_INITIALIZED, "cublasDestroy of an unknown handle");
    delete h;
    return SUCCESS;
}

API int cublasGetVersion_v2(Handle *h, int *version) {
    if (!known(h)) return refuse(NOT_INITIALIZED, "cublasGetVersion with an unknown handle");
    *version = 120000;   // reads as 12.0.0
    return SUCCESS;
}

API int cublasGetPointerMode_v2(Handle *h, int *mode) {
    if (!known(h)) return refuse(NOT_INITIALIZED, "cublasGetPointerMode with an unknown handle");
    *mode = h->pointerMode;
    return SUCCESS;
}

API int cublasSetPointerMode_v2(Handle *h, int mode) {
    if (!known(h)) return refuse(NOT_INITIALIZED, "cublasSetPointerMode with an unknown handle");
    if (mode != 0) return refuse(INVALID_VALUE, "cublasSetPointerMode(%d): only host pointers are emulated", mode);
    h->pointerMode = mode;
    return SUCCESS;
}

// Column-major: X(i, j) = X[i + j * ld]. op(A) is m x k, op(B) k x n, C m x n.
API int cublasSgemm_v2(Handle *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                       const float *B, int ldb, const float *beta, float *C, int ldc) {
    if (!known(h)) return refuse(NOT_INITIALIZED, "cublasSgemm with an unknown handle");
    if (!backprop_emu_context_current()) return refuse(NOT_INITIALIZED, "cublasSgemm with no current context");
    if ((ta != OP_N && ta != OP_T) || (tb != OP_N && tb != OP_T)) return refuse(INVALID_VALUE, "cublasSgemm: op %d/%d", ta, tb);
    if (m < 0 || n < 0 || k < 0) return refuse(INVALID_VALUE, "cublasSgemm: m=%d n=%d k=%d", m, n, k);
    int aRows = ta == OP_N ? m : k, aCols = ta == OP_N ? k : m;
    int bRows = tb == OP_N ? k : n, bCols = tb == OP_N ? n : k;
    if (lda < (aRows > 1 ? aRows : 1)) return refuse(INVALID_VALUE, "cublasSgemm: lda=%d < %d rows of A", lda, aRows);
    if (ldb < (bRows > 1 ? bRows : 1)) return refuse(INVALID_VALUE, "cublasSgemm: ldb=%d < %d rows of B", ldb, bRows);
    if (ldc < (m > 1 ? m : 1)) return refuse(INVALID_VALUE, "cublasSgemm: ldc=%d < m=%d", ldc, m);
    if (!alpha || !beta) return refuse(INVALID_VALUE, "cublasSgemm: NULL alpha or beta");
    if (m == 0 || n == 0) return SUCCESS;
    auto extent = [](int rows, int cols, int ld) { return ((size_t) (cols - 1) * ld + rows) * sizeof(float); };
    if (k > 0 && !backprop_emu_inside(A, extent(aRows, aCols, lda))) return refuse(INVALID_VALUE, "cublasSgemm: A outside any live allocation");
    if (k > 0 && !backprop_emu_inside(B, extent(bRows, bCols, ldb))) return refuse(INVALID_VALUE, "cublasSgemm: B outside any live allocation");
    if (!backprop_emu_inside(C, extent(m, n, ldc))) return refuse(INVALID_VALUE, "cublasSgemm: C outside any live allocation");
    float a = *alpha, b = *beta;
    std::vector<double> acc((size_t) m);
    for (int j = 0; j < n; ++j) {
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int p = 0; p < k; ++p) {
            double bv = tb == OP_N ? B[p + (size_t) j * ldb] : B[j + (size_t) p * ldb];
            if (ta == OP_N) {   // walk a column of A: contiguous
                const float *col = A + (size_t) p * lda;
                for (int i = 0; i < m; ++i) acc[i] += (double) col[i] * bv;
            } else {            // op(A)(i, p) = A(p, i): walk rows of op(A) at stride lda
                for (int i = 0; i < m; ++i) acc[i] += (double) A[p + (size_t) i * lda] * bv;
            }
        }
        for (int i = 0; i < m; ++i) {
            float *c = &C[i + (size_t) j * ldc];
            *c = b == 0.0f ? (float) (a * acc[i]) : (float) (a * acc[i] + (double) b * *c);   // beta == 0: C is not read
        }
    }
    return SUCCESS;
}
