// An emulated, strict libcuda.so.1 for the tests: the part of the CUDA driver API that JCuda's
// driver binding calls for CudaBackend and CudaDevice, with our own kernels (kernels.cpp) run on
// the CPU. It exists so that CI, which has no GPU, exercises the real Java side of the CUDA
// backend (JCuda natives, contexts, copies, launches, cuBLAS calls); it is never GPU evidence.
//
// Strict where a GPU is strict, and stricter where that costs nothing:
//   - every allocation sits right below an inaccessible guard page and starts filled with 0xff
//     bytes (NaN as float or double); the slack around it is checked for stray writes;
//   - every copy range and every pointer argument of a launch must lie inside a live allocation;
//   - launch limits: <= 1024 threads per block, block dims <= (1024, 1024, 64), grid y/z <= 65535,
//     static + dynamic shared memory <= 48 KB, the entry's .maxntid, registers x threads <= 64K
//     (registers from ptxas, in ptx/RESOURCES.txt);
//   - module load parses the PTX: .version above the emulated driver's ISA is refused with
//     CUDA_ERROR_UNSUPPORTED_PTX_VERSION and a JIT log, as a real driver does;
//   - any context-bound call from a thread with no current context: CUDA_ERROR_INVALID_CONTEXT.
// Every refused call counts as a misuse. At exit it prints (and, with BACKPROP_EMU_REPORT_DIR,
// writes) the number of calls, launches, misuses and live allocations.
//
// Knobs (environment, read at cuInit):
//   BACKPROP_EMU_DRIVER_VERSION  cuDriverGetVersion's answer, default 12000 (CUDA 12.0)
//   BACKPROP_EMU_MAX_PTX_ISA     newest PTX ISA accepted, default 8.0 (CUDA 12.0's)
//   BACKPROP_EMU_TOTAL_MEMORY    device memory in bytes, default 2 GiB
//   BACKPROP_EMU_DEVICES         device count, default 1
//   BACKPROP_EMU_REPORT_DIR      folder for the exit report (one file per process)
//   BACKPROP_EMU_QUIET           set: no exit line on stderr
#include "registry.h"
#include "shim.h"

#include <algorithm>
#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <pthread.h>
#include <unistd.h>
#include <vector>
#include <sys/mman.h>

#ifndef EMU_RESOURCES
#error "build.sh passes -DEMU_RESOURCES=\"path/to/RESOURCES.txt\""
#endif

#define API extern "C" __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
struct Context;
struct Module;
struct Function;
typedef Context *CUcontext;
typedef Module *CUmodule;
typedef Function *CUfunction;
struct Stream;
struct Graph;
struct GraphExec;
typedef Stream *CUstream;
typedef Graph *CUgraph;
typedef GraphExec *CUgraphExec;

enum : int {
    CUDA_SUCCESS = 0, CUDA_ERROR_INVALID_VALUE = 1, CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3, CUDA_ERROR_NO_DEVICE = 100, CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200, CUDA_ERROR_INVALID_CONTEXT = 201, CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CUDA_ERROR_INVALID_PTX = 218, CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222, CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500, CUDA_ERROR_ILLEGAL_ADDRESS = 700, CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_NOT_SUPPORTED = 801, CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900, CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901,
    CUDA_ERROR_STREAM_CAPTURE_IMPLICIT = 906, CUDA_ERROR_ILLEGAL_STATE = 401,
};

namespace emu {
dim3 threadIdx, blockIdx, blockDim, gridDim;
}

namespace {

constexpr int CC_MAJOR = 8, CC_MINOR = 0;   // the emulated device: compute capability 8.0
constexpr size_t PAGE = 4096;
constexpr size_t ALIGN = 256;                // cuMemAlloc's alignment
constexpr unsigned SHARED_LIMIT = 48 * 1024;

struct Allocation {
    char *mapping;       // front guard page, data pages, back guard page
    size_t mappingBytes;
    char *base;          // what cuMemAlloc returned
    size_t bytes;
    char *dataStart;     // first byte after the front guard
    char *dataEnd;       // the back guard page
};

struct Entry {
    std::string name;
    std::vector<char> params;   // 'p' 64-bit (pointer), 'w' 32-bit
    unsigned maxntid = 0;       // 0: no .maxntid
    bool barriers = false;      // bar.sync / shfl.sync in its body: run the threads as fibers
};

}  // namespace

struct Context { int device; int refs; bool stickyError; };
struct Module { std::string isa; std::map<std::string, Entry> entries; };
struct Function { const Entry *entry; const emu::KernelEntry *kernel; int registers; unsigned sharedBytes; };

// One captured kernel launch: the function, its shape and a copy of every parameter's bytes, as
// a CUDA graph's kernel node holds them (a replay reads the values of capture time).
struct Node {
    Function *f;
    unsigned gx, gy, gz, bx, by, bz, sharedBytes;
    std::vector<unsigned long long> values;   // one 8-byte slot per parameter
};
struct Graph { std::vector<Node> nodes; bool invalid = false; };
struct GraphExec { std::vector<Node> nodes; };
struct Stream { Graph *capture = nullptr; };

namespace {

std::recursive_mutex lock;
bool initialised = false;
int driverVersion = 12000;
std::string maxIsa = "8.0";
size_t totalMemory = size_t(2) << 30;
int deviceCount = 1;
std::string reportDir;
bool quiet = false;

size_t usedMemory = 0;
std::map<uintptr_t, Allocation> live;   // by base address
Context primary{0, 0, false};
thread_local Context *current = nullptr;
std::vector<Module *> modules;
std::map<std::string, std::pair<int, unsigned>> resources;   // entry -> max registers, max static shared

std::atomic<long> calls{0}, launches{0}, misuses{0}, graphLaunches{0};
std::vector<Stream *> streams;
std::vector<Graph *> graphs;
std::vector<GraphExec *> execs;
Stream *capturing = nullptr;   // the stream in (global-mode) capture, if any
std::vector<void *> pinned;    // cuMemAllocHost blocks

template <class T> bool liveHandle(const std::vector<T *> &v, T *h) {
    return h && std::find(v.begin(), v.end(), h) != v.end();
}

// Global-mode capture forbids calls that would synchronise with, or allocate under, the work
// being captured: the call fails, the capture is invalidated (cuStreamEndCapture then fails),
// and, as on a GPU, nothing is done. An answer for the caller to handle, not a misuse.
CUresult refusedInCapture(const char *call) {
    if (!capturing) return CUDA_SUCCESS;
    capturing->capture->invalid = true;
    if (!quiet) fprintf(stderr, "emulated CUDA driver: %s during stream capture: capture invalidated\n", call);
    return CUDA_ERROR_STREAM_CAPTURE_IMPLICIT;
}
std::string firstMisuse;

void misuse(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (misuses++ == 0) {
        firstMisuse = buf;
    }
    if (!quiet) {
        fprintf(stderr, "emulated CUDA driver: misuse: %s\n", buf);
    }
}

CUresult refuse(CUresult code, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    misuse("%s", buf);
    return code;
}

// ------------------------------------------------------------------ exit report

struct Reporter {
    ~Reporter() {
        size_t liveBytes = 0;
        for (auto &a : live) liveBytes += a.second.bytes;
        size_t handles = streams.size() + graphs.size() + execs.size() + pinned.size();
        char line[768];
        snprintf(line, sizeof line,
                 "emulated CUDA driver: %ld calls, %ld launches (%ld graph launches), %ld misuses, %zu live allocations (%zu bytes), %zu live streams/graphs/pinned buffers%s%s",
                 calls.load(), launches.load(), graphLaunches.load(), misuses.load(), live.size(), liveBytes, handles,
                 firstMisuse.empty() ? "" : "; first misuse: ", firstMisuse.c_str());
        if (!quiet && initialised) fprintf(stderr, "%s\n", line);
        if (!reportDir.empty() && initialised) {
            std::string path = reportDir + "/driver-" + std::to_string(getpid()) + ".txt";
            if (FILE *f = fopen(path.c_str(), "w")) {
                fprintf(f, "calls %ld\nlaunches %ld\ngraph_launches %ld\nmisuses %ld\nlive_allocations %zu\nlive_bytes %zu\nlive_handles %zu\nfirst_misuse %s\n",
                        calls.load(), launches.load(), graphLaunches.load(), misuses.load(), live.size(), liveBytes, handles,
                        firstMisuse.c_str());
                fclose(f);
            }
        }
    }
} reporter;

// ------------------------------------------------------------------ memory

const Allocation *find(uintptr_t p) {
    auto it = live.upper_bound(p);
    if (it == live.begin()) return nullptr;
    --it;
    const Allocation &a = it->second;
    return p >= (uintptr_t) a.base && p < (uintptr_t) a.base + a.bytes ? &a : nullptr;
}

// [p, p + bytes) inside one live allocation?
bool inside(uintptr_t p, size_t bytes) {
    const Allocation *a = find(p);
    return a && bytes <= (size_t) ((uintptr_t) a->base + a->bytes - p);
}

bool slackIntact(const Allocation &a) {
    for (char *c = a.dataStart; c < a.base; ++c) if ((unsigned char) *c != 0xff) return false;
    for (char *c = a.base + a.bytes; c < a.dataEnd; ++c) if ((unsigned char) *c != 0xff) return false;
    return true;
}

CUresult checkContext(const char *call) {
    ++calls;
    if (!initialised) return refuse(CUDA_ERROR_NOT_INITIALIZED, "%s before cuInit", call);
    if (current == nullptr) return refuse(CUDA_ERROR_INVALID_CONTEXT, "%s with no current context on this thread", call);
    if (current->refs <= 0) return refuse(CUDA_ERROR_INVALID_CONTEXT, "%s with a released context current", call);
    if (current->stickyError) return CUDA_ERROR_ILLEGAL_ADDRESS;
    return CUDA_SUCCESS;
}

// ------------------------------------------------------------------ PTX

bool isaNewer(const std::string &a, const std::string &b) {
    int am = 0, an = 0, bm = 0, bn = 0;
    sscanf(a.c_str(), "%d.%d", &am, &an);
    sscanf(b.c_str(), "%d.%d", &bm, &bn);
    return am != bm ? am > bm : an > bn;
}

void writeLog(unsigned n, const int *options, void **values, const std::string &text) {
    // CU_JIT_ERROR_LOG_BUFFER = 5, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6
    char *buffer = nullptr;
    size_t size = 0;
    int sizeIndex = -1;
    for (unsigned i = 0; i < n; ++i) {
        if (options[i] == 5) buffer = (char *) values[i];
        if (options[i] == 6) { size = (size_t) (uintptr_t) values[i]; sizeIndex = (int) i; }
    }
    if (buffer && size > 0) {
        size_t len = std::min(text.size(), size - 1);
        memcpy(buffer, text.data(), len);
        buffer[len] = 0;
        values[sizeIndex] = (void *) (uintptr_t) (len + 1);
    }
}

CUresult parsePtx(const char *text, Module &m, std::string &log) {
    std::string ptx(text);
    std::smatch g;
    if (!std::regex_search(ptx, g, std::regex(R"((^|\n)\.version\s+(\d+\.\d+))"))) {
        log = "ptxas fatal   : no .version directive: not PTX";
        return CUDA_ERROR_INVALID_IMAGE;
    }
    m.isa = g[2];
    if (isaNewer(m.isa, maxIsa)) {
        log = "ptxas application ptx input, line 1; fatal   : Unsupported .version " + m.isa
              + "; current version is '" + maxIsa + "' (emulated driver)";
        return CUDA_ERROR_UNSUPPORTED_PTX_VERSION;
    }
    if (!std::regex_search(ptx, g, std::regex(R"(\n\.target\s+sm_(\d+))"))) {
        log = "ptxas fatal   : no .target directive";
        return CUDA_ERROR_INVALID_PTX;
    }
    if (std::stoi(g[1]) > CC_MAJOR * 10 + CC_MINOR) {
        log = "ptxas fatal   : .target sm_" + std::string(g[1]) + " is newer than the emulated device";
        return CUDA_ERROR_NO_BINARY_FOR_GPU;
    }
    std::regex entry(R"(\.entry\s+(\w+)\s*\(([^)]*)\)([^{]*)\{)");
    std::vector<std::pair<size_t, Entry>> found;
    for (auto it = std::sregex_iterator(ptx.begin(), ptx.end(), entry); it != std::sregex_iterator(); ++it) {
        Entry e;
        e.name = (*it)[1];
        std::string params = (*it)[2];
        std::regex param(R"(\.param\s+\.(\w+))");
        for (auto p = std::sregex_iterator(params.begin(), params.end(), param); p != std::sregex_iterator(); ++p) {
            std::string type = (*p)[1];
            e.params.push_back(type == "u64" || type == "b64" || type == "s64" || type == "f64" ? 'p' : 'w');
        }
        std::smatch mx;
        std::string directives = (*it)[3];
        if (std::regex_search(directives, mx, std::regex(R"(\.maxntid\s+(\d+)(?:\s*,\s*(\d+))?(?:\s*,\s*(\d+))?)"))) {
            e.maxntid = std::stoul(mx[1]) * (mx[2].matched ? std::stoul(mx[2]) : 1) * (mx[3].matched ? std::stoul(mx[3]) : 1);
        }
        found.push_back({(size_t) (it->position(0) + it->length(0)), e});
    }
    for (size_t i = 0; i < found.size(); ++i) {
        size_t end = i + 1 < found.size() ? found[i + 1].first : ptx.size();
        std::string body = ptx.substr(found[i].first, end - found[i].first);
        found[i].second.barriers = body.find("bar.sync") != std::string::npos
                                   || body.find("barrier.sync") != std::string::npos
                                   || body.find("bar.warp.sync") != std::string::npos
                                   || body.find("shfl.sync") != std::string::npos;
        m.entries[found[i].second.name] = found[i].second;
    }
    return CUDA_SUCCESS;
}

void readResources() {
    std::ifstream in(EMU_RESOURCES);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream f(line);
        std::string arch, module, name;
        int regs = 0;
        unsigned smem = 0;
        if (f >> arch >> module >> name >> regs >> smem) {
            auto &r = resources[name];
            r.first = std::max(r.first, regs);
            r.second = std::max(r.second, smem);
        }
    }
}

// ------------------------------------------------------------------ fibers

extern "C" void emu_switch(void **save, void *to);
#if defined(__x86_64__)
// Saves the callee-saved registers, MXCSR and the x87 control word on the current stack, stores
// the stack pointer in *save, and resumes the stack in `to`: the whole of a cooperative switch.
asm(R"(
    .text
    .p2align 4
    .globl emu_switch
    .hidden emu_switch
    .type emu_switch,@function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch
)");
#else
#error "the emulated driver's fibers are written for x86-64"
#endif

enum class State { ready, atBlock, atWarp, done };
constexpr size_t STACK = 128 * 1024;

struct Fiber {
    void *sp;
    State state;
    dim3 tid;
};

extern "C" char __start_emu_shared[], __stop_emu_shared[];

void poisonShared() {
    memset(__start_emu_shared, 0xff, (size_t) (__stop_emu_shared - __start_emu_shared));
}

std::vector<Fiber> fibers;
char *stacks = nullptr;
size_t stackCount = 0;
void *schedulerSp;
int running = -1;
bool inFibers = false;
const emu::KernelEntry *runningKernel;
void **runningParams;
double shuffleSlots[1024];
bool shuffleMisused = false;
sigjmp_buf faultJump;
volatile sig_atomic_t inKernel = 0;
pthread_t launchingThread;
volatile uintptr_t faultAddress = 0;
struct sigaction previousSegv, previousBus;

[[noreturn]] void fiberMain() {
    Fiber &f = fibers[running];
    emu::threadIdx = f.tid;
    runningKernel->invoke(runningParams);
    fibers[running].state = State::done;
    emu_switch(&fibers[running].sp, schedulerSp);
    __builtin_unreachable();
}

void ensureStacks(size_t n) {
    if (n <= stackCount) return;
    if (stacks) munmap(stacks, stackCount * STACK);
    stacks = (char *) mmap(nullptr, n * STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stacks == MAP_FAILED) { perror("emulated CUDA driver: fiber stacks"); abort(); }
    stackCount = n;
}

void *initialStack(size_t i) {
    uintptr_t top = ((uintptr_t) (stacks + (i + 1) * STACK)) & ~(uintptr_t) 15;
    uint64_t *sp = (uint64_t *) top;
    *--sp = 0;                                  // keeps fiberMain's frame 16-byte aligned
    *--sp = (uint64_t) (uintptr_t) &fiberMain;  // where emu_switch's ret goes
    for (int r = 0; r < 6; ++r) *--sp = 0;      // rbp rbx r12..r15
    uint32_t mxcsr;
    uint16_t fpucw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    --sp;
    memcpy((char *) sp, &mxcsr, 4);
    memcpy((char *) sp + 4, &fpucw, 2);
    return sp;
}

// Runs one block as fibers; returns false when the barriers cannot be released (divergence).
bool runBlockFibers(unsigned threads) {
    fibers.assign(threads, Fiber{});
    ensureStacks(threads);
    for (unsigned t = 0; t < threads; ++t) {
        fibers[t].sp = initialStack(t);
        fibers[t].state = State::ready;
        fibers[t].tid = {t % emu::blockDim.x, (t / emu::blockDim.x) % emu::blockDim.y, t / (emu::blockDim.x * emu::blockDim.y)};
    }
    for (;;) {
        bool anyLive = false;
        for (unsigned t = 0; t < threads; ++t) {
            if (fibers[t].state != State::ready) continue;
            running = (int) t;
            emu::threadIdx = fibers[t].tid;
            emu_switch(&schedulerSp, fibers[t].sp);
        }
        running = -1;
        bool released = false;
        // warps whose every live lane waits at a shuffle go on; a lane that has exited while the
        // others shuffle with the full mask is undefined behaviour on a GPU
        for (unsigned w = 0; w * 32 < threads; ++w) {
            unsigned lo = w * 32, hi = std::min(threads, lo + 32), waiting = 0, done = 0, other = 0;
            for (unsigned t = lo; t < hi; ++t) {
                if (fibers[t].state == State::atWarp) ++waiting;
                else if (fibers[t].state == State::done) ++done;
                else ++other;
            }
            if (waiting > 0 && other == 0) {
                if (done > 0 && !shuffleMisused) {
                    shuffleMisused = true;
                    misuse("kernel %s: warp shuffle with %u exited lanes in warp %u", runningKernel->name, done, w);
                }
                for (unsigned t = lo; t < hi; ++t) if (fibers[t].state == State::atWarp) fibers[t].state = State::ready;
                released = true;
            }
        }
        if (!released) {
            unsigned atBlock = 0, live = 0;
            for (auto &f : fibers) {
                if (f.state != State::done) ++live;
                if (f.state == State::atBlock) ++atBlock;
            }
            if (live == 0) return true;
            if (atBlock == live) {
                for (auto &f : fibers) if (f.state == State::atBlock) f.state = State::ready;
                released = true;
            }
        }
        for (auto &f : fibers) anyLive |= f.state != State::done;
        if (!anyLive) return true;
        if (!released) return false;
    }
}

void onFault(int sig, siginfo_t *info, void *uc) {
    // only the launching thread's faults are ours: the JVM takes SIGSEGV on purpose elsewhere
    if (inKernel && pthread_equal(pthread_self(), launchingThread)) {
        faultAddress = (uintptr_t) info->si_addr;
        inKernel = 0;
        siglongjmp(faultJump, 1);
    }
    struct sigaction &prev = sig == SIGSEGV ? previousSegv : previousBus;
    if (prev.sa_flags & SA_SIGINFO) {
        prev.sa_sigaction(sig, info, uc);
    } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
        prev.sa_handler(sig);
    } else {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

void installFaultHandler() {
    struct sigaction sa {};
    sa.sa_sigaction = onFault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previousSegv);
    sigaction(SIGBUS, &sa, &previousBus);
}

}  // namespace

namespace emu {
void barrier(Barrier kind) {
    if (!inFibers || running < 0) {
        misuse("kernel %s reached a barrier its PTX does not show", runningKernel ? runningKernel->name : "?");
        return;
    }
    Fiber &f = fibers[running];
    f.state = kind == Barrier::block ? State::atBlock : State::atWarp;
    emu_switch(&f.sp, schedulerSp);
    emu::threadIdx = fibers[running].tid;
}
double *shuffle_slots() { return shuffleSlots; }
void shuffle_misuse(unsigned mask) {
    if (!shuffleMisused) {
        shuffleMisused = true;
        misuse("kernel %s: shuffle with partial mask 0x%x", runningKernel->name, mask);
    }
}
}  // namespace emu

// ====================================================================== the driver API

API CUresult cuInit(unsigned flags) {
    std::lock_guard<std::recursive_mutex> g(lock);
    ++calls;
    if (flags != 0) return refuse(CUDA_ERROR_INVALID_VALUE, "cuInit(%u): flags must be 0", flags);
    if (!initialised) {
        if (const char *v = getenv("BACKPROP_EMU_DRIVER_VERSION")) driverVersion = atoi(v);
        if (const char *v = getenv("BACKPROP_EMU_MAX_PTX_ISA")) maxIsa = v;
        if (const char *v = getenv("BACKPROP_EMU_TOTAL_MEMORY")) totalMemory = strtoull(v, nullptr, 10);
        if (const char *v = getenv("BACKPROP_EMU_DEVICES")) deviceCount = atoi(v);
        if (const char *v = getenv("BACKPROP_EMU_REPORT_DIR")) reportDir = v;
        quiet = getenv("BACKPROP_EMU_QUIET") != nullptr;
        readResources();
        installFaultHandler();
        initialised = true;
    }
    return deviceCount > 0 ? CUDA_SUCCESS : CUDA_ERROR_NO_DEVICE;
}

API CUresult cuDriverGetVersion(int *version) {
    ++calls;
    if (!version) return refuse(CUDA_ERROR_INVALID_VALUE, "cuDriverGetVersion(NULL)");
    const char *v = getenv("BACKPROP_EMU_DRIVER_VERSION");
    *version = v ? atoi(v) : driverVersion;
    return CUDA_SUCCESS;
}

static CUresult checkDevice(const char *call, CUdevice d) {
    ++calls;
    if (!initialised) return refuse(CUDA_ERROR_NOT_INITIALIZED, "%s before cuInit", call);
    if (d < 0 || d >= deviceCount) return refuse(CUDA_ERROR_INVALID_DEVICE, "%s: no device %d", call, d);
    return CUDA_SUCCESS;
}

API CUresult cuDeviceGetCount(int *count) {
    ++calls;
    if (!initialised) return refuse(CUDA_ERROR_NOT_INITIALIZED, "cuDeviceGetCount before cuInit");
    if (!count) return refuse(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetCount(NULL)");
    *count = deviceCount;
    return CUDA_SUCCESS;
}

API CUresult cuDeviceGet(CUdevice *device, int ordinal) {
    if (CUresult r = checkDevice("cuDeviceGet", ordinal)) return r;
    *device = ordinal;
    return CUDA_SUCCESS;
}

API CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
    if (CUresult r = checkDevice("cuDeviceGetName", d)) return r;
    if (!name || len <= 0) return refuse(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetName: no buffer");
    snprintf(name, (size_t) len, "Emulated CUDA device (CPU, test driver)");
    return CUDA_SUCCESS;
}

API CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice d) {
    if (CUresult r = checkDevice("cuDeviceGetAttribute", d)) return r;
    switch (attribute) {
        case 1: *value = 1024; return CUDA_SUCCESS;            // MAX_THREADS_PER_BLOCK
        case 2: case 3: *value = 1024; return CUDA_SUCCESS;    // MAX_BLOCK_DIM_X, Y
        case 4: *value = 64; return CUDA_SUCCESS;              // MAX_BLOCK_DIM_Z
        case 5: *value = 2147483647; return CUDA_SUCCESS;      // MAX_GRID_DIM_X
        case 6: case 7: *value = 65535; return CUDA_SUCCESS;   // MAX_GRID_DIM_Y, Z
        case 8: *value = (int) SHARED_LIMIT; return CUDA_SUCCESS;
        case 10: *value = 32; return CUDA_SUCCESS;             // WARP_SIZE
        case 12: *value = 65536; return CUDA_SUCCESS;          // MAX_REGISTERS_PER_BLOCK
        case 16: *value = 1; return CUDA_SUCCESS;              // MULTIPROCESSOR_COUNT
        case 75: *value = CC_MAJOR; return CUDA_SUCCESS;
        case 76: *value = CC_MINOR; return CUDA_SUCCESS;
        default: return refuse(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetAttribute(%d): not emulated", attribute);
    }
}

API CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) {
    if (CUresult r = checkDevice("cuDeviceTotalMem", d)) return r;
    *bytes = totalMemory;
    return CUDA_SUCCESS;
}

API CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice d) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkDevice("cuDevicePrimaryCtxRetain", d)) return r;
    primary.refs++;
    *ctx = &primary;
    return CUDA_SUCCESS;
}

API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkDevice("cuDevicePrimaryCtxRelease", d)) return r;
    if (primary.refs <= 0) return refuse(CUDA_ERROR_INVALID_CONTEXT, "cuDevicePrimaryCtxRelease without a retain");
    primary.refs--;
    return CUDA_SUCCESS;
}

API CUresult cuCtxSetCurrent(CUcontext ctx) {
    ++calls;
    if (!initialised) return refuse(CUDA_ERROR_NOT_INITIALIZED, "cuCtxSetCurrent before cuInit");
    if (ctx != nullptr && (ctx != &primary || primary.refs <= 0))
        return refuse(CUDA_ERROR_INVALID_CONTEXT, "cuCtxSetCurrent(%p): not a retained context", (void *) ctx);
    current = ctx;
    return CUDA_SUCCESS;
}

API CUresult cuCtxGetCurrent(CUcontext *ctx) {
    ++calls;
    if (!initialised) return refuse(CUDA_ERROR_NOT_INITIALIZED, "cuCtxGetCurrent before cuInit");
    *ctx = current;
    return CUDA_SUCCESS;
}

API CUresult cuCtxSynchronize() {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuCtxSynchronize")) return r;
    return refusedInCapture("cuCtxSynchronize");   // launches ran to completion already
}

API CUresult cuMemGetInfo_v2(size_t *free, size_t *total) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemGetInfo")) return r;
    *free = totalMemory - usedMemory;
    *total = totalMemory;
    return CUDA_SUCCESS;
}

API CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemAlloc")) return r;
    if (CUresult r = refusedInCapture("cuMemAlloc")) return r;
    if (!dptr) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc(NULL, %zu)", bytes);
    if (bytes == 0) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc of 0 bytes");
    if (bytes > totalMemory - usedMemory) return CUDA_ERROR_OUT_OF_MEMORY;
    size_t dataBytes = (bytes + ALIGN - 1) / ALIGN * ALIGN;
    dataBytes = (dataBytes + PAGE - 1) / PAGE * PAGE;
    size_t mappingBytes = dataBytes + 2 * PAGE;
    char *m = (char *) mmap(nullptr, mappingBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
    mprotect(m + PAGE, dataBytes, PROT_READ | PROT_WRITE);
    Allocation a;
    a.mapping = m;
    a.mappingBytes = mappingBytes;
    a.dataStart = m + PAGE;
    a.dataEnd = m + PAGE + dataBytes;
    // as high as the alignment allows, so that an overrun soon meets the guard page
    a.base = (char *) (((uintptr_t) a.dataEnd - bytes) & ~(uintptr_t) (ALIGN - 1));
    a.bytes = bytes;
    memset(a.dataStart, 0xff, dataBytes);
    live[(uintptr_t) a.base] = a;
    usedMemory += bytes;
    *dptr = (CUdeviceptr) (uintptr_t) a.base;
    return CUDA_SUCCESS;
}

API CUresult cuMemFree_v2(CUdeviceptr p) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemFree")) return r;
    if (CUresult r = refusedInCapture("cuMemFree")) return r;
    auto it = live.find((uintptr_t) p);
    if (it == live.end()) {
        return refuse(CUDA_ERROR_INVALID_VALUE, find((uintptr_t) p) ? "cuMemFree(0x%llx): inside an allocation, not its start"
                                                                    : "cuMemFree(0x%llx): not a live allocation (double free?)", p);
    }
    if (!slackIntact(it->second)) misuse("allocation 0x%llx (%zu bytes): bytes around it were overwritten", p, it->second.bytes);
    usedMemory -= it->second.bytes;
    munmap(it->second.mapping, it->second.mappingBytes);
    live.erase(it);
    return CUDA_SUCCESS;
}

API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemcpyHtoD")) return r;
    if (CUresult r = refusedInCapture("cuMemcpyHtoD")) return r;
    if (!src) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemcpyHtoD from NULL");
    if (!inside((uintptr_t) dst, bytes)) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemcpyHtoD(0x%llx, %zu bytes): outside any live allocation", dst, bytes);
    memcpy((void *) (uintptr_t) dst, src, bytes);
    return CUDA_SUCCESS;
}

API CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemcpyDtoH")) return r;
    if (CUresult r = refusedInCapture("cuMemcpyDtoH")) return r;
    if (!dst) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH to NULL");
    if (!inside((uintptr_t) src, bytes)) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH(0x%llx, %zu bytes): outside any live allocation", src, bytes);
    memcpy(dst, (const void *) (uintptr_t) src, bytes);
    return CUDA_SUCCESS;
}

API CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemcpyDtoD")) return r;
    if (CUresult r = refusedInCapture("cuMemcpyDtoD")) return r;
    if (!inside((uintptr_t) src, bytes)) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoD source 0x%llx, %zu bytes: outside any live allocation", src, bytes);
    if (!inside((uintptr_t) dst, bytes)) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoD destination 0x%llx, %zu bytes: outside any live allocation", dst, bytes);
    memmove((void *) (uintptr_t) dst, (const void *) (uintptr_t) src, bytes);
    return CUDA_SUCCESS;
}

API CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned n, int *options, void **values) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuModuleLoadDataEx")) return r;
    if (!module || !image) return refuse(CUDA_ERROR_INVALID_VALUE, "cuModuleLoadDataEx: NULL module or image");
    if (n > 0 && (!options || !values)) return refuse(CUDA_ERROR_INVALID_VALUE, "cuModuleLoadDataEx: %u options without arrays", n);
    Module *m = new Module();
    std::string log;
    CUresult r = parsePtx((const char *) image, *m, log);
    if (r != CUDA_SUCCESS) {
        delete m;
        writeLog(n, options, values, log);
        return r;   // a refusal the caller is expected to handle, not a misuse
    }
    modules.push_back(m);
    *module = m;
    return CUDA_SUCCESS;
}

API CUresult cuModuleLoadData(CUmodule *module, const void *image) {
    return cuModuleLoadDataEx(module, image, 0, nullptr, nullptr);
}

API CUresult cuModuleGetFunction(CUfunction *fn, CUmodule module, const char *name) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuModuleGetFunction")) return r;
    if (std::find(modules.begin(), modules.end(), module) == modules.end())
        return refuse(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction(%s): not a loaded module", name);
    auto e = module->entries.find(name);
    if (e == module->entries.end()) return refuse(CUDA_ERROR_NOT_FOUND, "cuModuleGetFunction: no .entry %s in the module", name);
    const emu::KernelEntry *k = emu::kernels;
    while (k->name && strcmp(k->name, name) != 0) ++k;
    if (!k->name) return refuse(CUDA_ERROR_NOT_FOUND, "entry %s is in the PTX but not registered in emulation/kernels.cpp", name);
    if (k->arity != (int) e->second.params.size())
        return refuse(CUDA_ERROR_INVALID_IMAGE, "entry %s: the PTX has %zu parameters, the source %d: stale PTX? run scripts/regen-ptx.sh",
                      name, e->second.params.size(), k->arity);
    auto res = resources.find(name);
    if (res == resources.end())
        return refuse(CUDA_ERROR_INVALID_IMAGE, "entry %s has no ptxas record in RESOURCES.txt: run scripts/regen-ptx.sh", name);
    *fn = new Function{&e->second, k, res->second.first, res->second.second};
    return CUDA_SUCCESS;
}

namespace {
// The launch limits and pointer checks, for a direct launch and for every node of a replayed graph
// (whose pointers must still be live when it runs).
CUresult checkLaunch(Function *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                     unsigned sharedBytes, void **params) {
    const char *name = f->kernel->name;
    unsigned long threads = (unsigned long) bx * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0)
        return refuse(CUDA_ERROR_INVALID_VALUE, "%s: zero grid or block dimension", name);
    if (threads > 1024 || bx > 1024 || by > 1024 || bz > 64)
        return refuse(CUDA_ERROR_INVALID_VALUE, "%s: block %ux%ux%u exceeds 1024 threads or (1024, 1024, 64)", name, bx, by, bz);
    if (gx > 2147483647u || gy > 65535 || gz > 65535)
        return refuse(CUDA_ERROR_INVALID_VALUE, "%s: grid %ux%ux%u exceeds (2^31-1, 65535, 65535)", name, gx, gy, gz);
    if (f->entry->maxntid && threads > f->entry->maxntid)
        return refuse(CUDA_ERROR_INVALID_VALUE, "%s: %lu threads per block above its .maxntid %u", name, threads, f->entry->maxntid);
    if ((unsigned long) sharedBytes + f->sharedBytes > SHARED_LIMIT)
        return refuse(CUDA_ERROR_INVALID_VALUE, "%s: %u + %u bytes of shared memory exceed 48 KB", name, f->sharedBytes, sharedBytes);
    if ((unsigned long) f->registers * threads > 65536)
        return refuse(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "%s: %d registers x %lu threads exceed 64K", name, f->registers, threads);
    if (!params && !f->entry->params.empty()) return refuse(CUDA_ERROR_INVALID_VALUE, "%s: no kernel parameters", name);
    for (size_t i = 0; i < f->entry->params.size(); ++i) {
        if (!params[i]) return refuse(CUDA_ERROR_INVALID_VALUE, "%s: parameter %zu is NULL", name, i);
        if (f->entry->params[i] == 'p') {
            uintptr_t p = (uintptr_t) *(CUdeviceptr *) params[i];
            if (!find(p)) return refuse(CUDA_ERROR_INVALID_VALUE, "%s: pointer parameter %zu (0x%lx) is not inside a live allocation", name, i, (unsigned long) p);
        }
    }
    return CUDA_SUCCESS;
}

CUresult runLaunch(Function *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   void **params) {
    const char *name = f->kernel->name;
    unsigned long threads = (unsigned long) bx * by * bz;
    ++launches;
    long misusesBefore = misuses.load();
    runningKernel = f->kernel;
    runningParams = params;
    shuffleMisused = false;
    emu::gridDim = {gx, gy, gz};
    emu::blockDim = {bx, by, bz};
    inFibers = f->entry->barriers;
    bool diverged = false;
    launchingThread = pthread_self();
    inKernel = 1;
    if (sigsetjmp(faultJump, 1) == 0) {
        for (unsigned z = 0; z < gz && !diverged; ++z)
            for (unsigned y = 0; y < gy && !diverged; ++y)
                for (unsigned x = 0; x < gx && !diverged; ++x) {
                    emu::blockIdx = {x, y, z};
                    poisonShared();
                    if (inFibers) {
                        diverged = !runBlockFibers((unsigned) threads);
                    } else {
                        for (unsigned t = 0; t < threads; ++t) {
                            emu::threadIdx = {t % bx, (t / bx) % by, t / (bx * by)};
                            f->kernel->invoke(params);
                        }
                    }
                }
        inKernel = 0;
    } else {
        inFibers = false;
        running = -1;
        current->stickyError = true;   // as on a GPU: the context is unusable after a fault
        misuse("%s: memory fault at 0x%lx (outside every live allocation), grid %ux%ux%u block %ux%ux%u",
               name, (unsigned long) faultAddress, gx, gy, gz, bx, by, bz);
        return CUDA_ERROR_ILLEGAL_ADDRESS;
    }
    inFibers = false;
    if (diverged) return refuse(CUDA_ERROR_LAUNCH_FAILED, "%s: threads wait at different barriers (divergent __syncthreads)", name);
    if (misuses.load() != misusesBefore) return CUDA_ERROR_LAUNCH_FAILED;   // a bad shuffle or barrier, counted above
    for (size_t i = 0; i < f->entry->params.size(); ++i) {
        if (f->entry->params[i] != 'p') continue;
        const Allocation *a = find((uintptr_t) *(CUdeviceptr *) params[i]);
        if (a && !slackIntact(*a)) {
            return refuse(CUDA_ERROR_ILLEGAL_ADDRESS, "%s: wrote outside allocation 0x%lx (%zu bytes), parameter %zu",
                          name, (unsigned long) (uintptr_t) a->base, a->bytes, i);
        }
    }
    return CUDA_SUCCESS;
}
}  // namespace

API CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                            unsigned sharedBytes, CUstream stream, void **params, void **extra) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuLaunchKernel")) return r;
    if (!f) return refuse(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel(NULL function)");
    const char *name = f->kernel->name;
    if (stream != nullptr && !liveHandle(streams, stream))
        return refuse(CUDA_ERROR_INVALID_HANDLE, "%s: launch on %p, not a live stream", name, (void *) stream);
    if (extra != nullptr) return refuse(CUDA_ERROR_INVALID_VALUE, "%s: 'extra' launch parameters are not used by the backend", name);
    if (capturing && stream != capturing) {
        // the legacy stream (or another) while a capture is open: the capture is broken
        capturing->capture->invalid = true;
        return refuse(CUDA_ERROR_STREAM_CAPTURE_IMPLICIT, "%s: launch outside the capturing stream during a capture", name);
    }
    if (CUresult r = checkLaunch(f, gx, gy, gz, bx, by, bz, sharedBytes, params)) return r;
    if (stream != nullptr && stream->capture) {
        Node n{f, gx, gy, gz, bx, by, bz, sharedBytes, {}};
        for (size_t i = 0; i < f->entry->params.size(); ++i) {
            unsigned long long v = 0;
            memcpy(&v, params[i], f->entry->params[i] == 'p' ? 8 : 4);
            n.values.push_back(v);
        }
        stream->capture->nodes.push_back(n);
        return CUDA_SUCCESS;
    }
    return runLaunch(f, gx, gy, gz, bx, by, bz, params);
}

// ------------------------------------------------------------------ streams and graphs

API CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuStreamCreate")) return r;
    if (!stream) return refuse(CUDA_ERROR_INVALID_VALUE, "cuStreamCreate(NULL)");
    if (flags > 1) return refuse(CUDA_ERROR_INVALID_VALUE, "cuStreamCreate: flags %u", flags);
    *stream = new Stream();
    streams.push_back(*stream);
    return CUDA_SUCCESS;
}

API CUresult cuStreamDestroy_v2(CUstream stream) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuStreamDestroy")) return r;
    if (!liveHandle(streams, stream)) return refuse(CUDA_ERROR_INVALID_HANDLE, "cuStreamDestroy(%p): not a live stream", (void *) stream);
    if (stream->capture) return refuse(CUDA_ERROR_ILLEGAL_STATE, "cuStreamDestroy of a stream in capture");
    streams.erase(std::find(streams.begin(), streams.end(), stream));
    delete stream;
    return CUDA_SUCCESS;
}

API CUresult cuStreamSynchronize(CUstream stream) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuStreamSynchronize")) return r;
    if (stream != nullptr && !liveHandle(streams, stream))
        return refuse(CUDA_ERROR_INVALID_HANDLE, "cuStreamSynchronize(%p): not a live stream", (void *) stream);
    return refusedInCapture("cuStreamSynchronize");
}

API CUresult cuStreamBeginCapture_v2(CUstream stream, int mode) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuStreamBeginCapture")) return r;
    if (!liveHandle(streams, stream))
        return refuse(CUDA_ERROR_INVALID_HANDLE, "cuStreamBeginCapture(%p): the legacy stream or no stream cannot be captured", (void *) stream);
    if (mode != 0) return refuse(CUDA_ERROR_INVALID_VALUE, "cuStreamBeginCapture: mode %d; the emulator models global mode (0) only", mode);
    if (capturing) return refuse(CUDA_ERROR_ILLEGAL_STATE, "cuStreamBeginCapture while another capture is open");
    stream->capture = new Graph();
    capturing = stream;
    return CUDA_SUCCESS;
}

API CUresult cuStreamIsCapturing(CUstream stream, int *status) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuStreamIsCapturing")) return r;
    if (!status) return refuse(CUDA_ERROR_INVALID_VALUE, "cuStreamIsCapturing(NULL)");
    // CU_STREAM_CAPTURE_STATUS_NONE 0, ACTIVE 1, INVALIDATED 2
    *status = stream && liveHandle(streams, stream) && stream->capture ? (stream->capture->invalid ? 2 : 1) : 0;
    return CUDA_SUCCESS;
}

API CUresult cuStreamEndCapture(CUstream stream, CUgraph *graph) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuStreamEndCapture")) return r;
    if (!graph) return refuse(CUDA_ERROR_INVALID_VALUE, "cuStreamEndCapture(NULL graph)");
    if (!liveHandle(streams, stream) || !stream->capture)
        return refuse(CUDA_ERROR_ILLEGAL_STATE, "cuStreamEndCapture on a stream that is not capturing");
    Graph *captured = stream->capture;
    stream->capture = nullptr;
    capturing = nullptr;
    if (captured->invalid) {
        delete captured;
        *graph = nullptr;
        return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    }
    graphs.push_back(captured);
    *graph = captured;
    return CUDA_SUCCESS;
}

API CUresult cuGraphInstantiateWithFlags(CUgraphExec *exec, CUgraph graph, unsigned long long flags) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuGraphInstantiate")) return r;
    if (!exec) return refuse(CUDA_ERROR_INVALID_VALUE, "cuGraphInstantiate(NULL)");
    if (!liveHandle(graphs, graph)) return refuse(CUDA_ERROR_INVALID_HANDLE, "cuGraphInstantiate(%p): not a live graph", (void *) graph);
    if (flags != 0) return refuse(CUDA_ERROR_INVALID_VALUE, "cuGraphInstantiate: flags %llu are not used by the backend", flags);
    if (CUresult r = refusedInCapture("cuGraphInstantiate")) return r;
    *exec = new GraphExec{graph->nodes};
    execs.push_back(*exec);
    return CUDA_SUCCESS;
}

API CUresult cuGraphLaunch(CUgraphExec exec, CUstream stream) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuGraphLaunch")) return r;
    if (!liveHandle(execs, exec)) return refuse(CUDA_ERROR_INVALID_HANDLE, "cuGraphLaunch(%p): not a live executable graph", (void *) exec);
    if (stream != nullptr && !liveHandle(streams, stream))
        return refuse(CUDA_ERROR_INVALID_HANDLE, "cuGraphLaunch on %p, not a live stream", (void *) stream);
    if (capturing) return refuse(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "cuGraphLaunch during a capture: the backend never nests graphs");
    ++graphLaunches;
    for (Node &n : exec->nodes) {
        std::vector<void *> ptrs;
        for (auto &v : n.values) ptrs.push_back(&v);
        if (CUresult r = checkLaunch(n.f, n.gx, n.gy, n.gz, n.bx, n.by, n.bz, n.sharedBytes, ptrs.data())) return r;
        if (CUresult r = runLaunch(n.f, n.gx, n.gy, n.gz, n.bx, n.by, n.bz, ptrs.data())) return r;
    }
    return CUDA_SUCCESS;
}

API CUresult cuGraphExecDestroy(CUgraphExec exec) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuGraphExecDestroy")) return r;
    if (!liveHandle(execs, exec)) return refuse(CUDA_ERROR_INVALID_HANDLE, "cuGraphExecDestroy(%p): not live", (void *) exec);
    execs.erase(std::find(execs.begin(), execs.end(), exec));
    delete exec;
    return CUDA_SUCCESS;
}

API CUresult cuGraphDestroy(CUgraph graph) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuGraphDestroy")) return r;
    if (!liveHandle(graphs, graph)) return refuse(CUDA_ERROR_INVALID_HANDLE, "cuGraphDestroy(%p): not live", (void *) graph);
    graphs.erase(std::find(graphs.begin(), graphs.end(), graph));
    delete graph;
    return CUDA_SUCCESS;
}

// ------------------------------------------------------------------ pinned host memory

API CUresult cuMemAllocHost_v2(void **p, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemAllocHost")) return r;
    if (!p || bytes == 0) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemAllocHost(%p, %zu)", (void *) p, bytes);
    if (CUresult r = refusedInCapture("cuMemAllocHost")) return r;
    *p = calloc(1, bytes);
    pinned.push_back(*p);
    return *p ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}

API CUresult cuMemFreeHost(void *p) {
    std::lock_guard<std::recursive_mutex> g(lock);
    if (CUresult r = checkContext("cuMemFreeHost")) return r;
    auto it = std::find(pinned.begin(), pinned.end(), p);
    if (it == pinned.end()) return refuse(CUDA_ERROR_INVALID_VALUE, "cuMemFreeHost(%p): not from cuMemAllocHost", p);
    pinned.erase(it);
    free(p);
    return CUDA_SUCCESS;
}

// ------------------------------------------------------------------ for the emulated cuBLAS

API int backprop_emu_context_current() {
    return initialised && current != nullptr && current->refs > 0;
}

API int backprop_emu_inside(const void *p, size_t bytes) {
    std::lock_guard<std::recursive_mutex> g(lock);
    return inside((uintptr_t) p, bytes);
}

API void backprop_emu_misuse(const char *what) {
    misuse("%s", what);
}
